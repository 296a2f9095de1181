package dev.stfpm.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The share of the training images a run uses: the paper's ablation of Section 5.4, which trains on
 * 5 % and 10 % of each category's defect-free images. The subset is deterministic for a seed: the
 * images are shuffled with {@code new Random(seed)}, the first {@code ⌈fraction · n⌉} kept (at least
 * two, so that a validation split remains), and those returned in their original order.
 *
 * @param fraction the share to keep, in (0, 1]; 1 keeps every image
 */
public record TrainFraction(double fraction) {

    /** Every image: the paper's default. */
    public static final TrainFraction ALL = new TrainFraction(1);

    /** Checks the range. */
    public TrainFraction {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("train fraction must be in (0, 1]: " + fraction);
        }
    }

    /**
     * @param images the training images, in a stable order
     * @param seed   the run's seed
     * @return the kept images, in their original order; all of them for a fraction of 1
     */
    public List<Path> select(List<Path> images, long seed) {
        if (fraction == 1) {
            return images;
        }
        int keep = Math.min(images.size(), Math.max(2, (int) Math.ceil(fraction * images.size())));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        List<Integer> kept = new ArrayList<>(order.subList(0, keep));
        Collections.sort(kept);
        return kept.stream().map(images::get).toList();
    }
}
