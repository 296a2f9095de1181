package dev.stfpm.core.data;

import dev.stfpm.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Folders of images named one by one, as anomalib's {@code Folder} data set takes them: the
 * {@link DatasetLayout#FOLDER} layout.
 * <pre>
 * normal/*.png          defect-free images: training (and, without normal-test, test) images
 * abnormal/*.png        defective test images (defect type {@value #ABNORMAL})
 * masks/&lt;stem&gt;.png       optional: a mask per abnormal image, same stem (or &lt;stem&gt;_mask), any image extension
 * normal-test/*.png     optional: defect-free test images
 * </pre>
 * Images are the files directly inside each folder, in name order. Without a normal-test folder,
 * {@value #TEST_SHARE} of the normal images (rounded, at least one of two or more) go to the test set,
 * picked by a shuffle with the fixed seed {@value #SPLIT_SEED}: the same on every run and for every
 * command, whatever the training seed. When masks are given, every abnormal image must have one, of
 * its size; without masks the test set gets image metrics only.
 *
 * @param root       the data folder the others are relative to
 * @param normal     the defect-free images
 * @param abnormal   the defective test images, if any
 * @param masks      their masks, if any
 * @param normalTest defect-free test images, if given apart from {@code normal}
 */
public record FolderDataset(Path root, Path normal, Optional<Path> abnormal, Optional<Path> masks,
                            Optional<Path> normalTest) implements Dataset {

    /** The defect type of the abnormal images. */
    public static final String ABNORMAL = "abnormal";
    /** The share of the normal images held out for testing when no normal-test folder is given. */
    public static final double TEST_SHARE = 0.2;
    /** The seed of the shuffle that picks them. */
    public static final long SPLIT_SEED = 42;

    private static final String MASK_SUFFIX = "_mask";

    /**
     * Opens the folders, each resolved against the data folder.
     *
     * @param root       the data folder
     * @param normal     the defect-free images
     * @param abnormal   the defective test images, if any
     * @param masks      their masks, if any
     * @param normalTest defect-free test images, if any
     * @return the data set
     * @throws IOException if a folder is not one, or masks are given without abnormal images
     */
    public static FolderDataset open(Path root, Path normal, Optional<Path> abnormal, Optional<Path> masks,
                                     Optional<Path> normalTest) throws IOException {
        if (masks.isPresent() && abnormal.isEmpty()) {
            throw new BadInputException(String.valueOf(root.resolve(masks.get())), "masks given without the abnormal"
                    + " images they belong to (--abnormal DIR)");
        }
        return new FolderDataset(root, folder(root, normal, "--normal"), folder(root, abnormal, "--abnormal"),
                folder(root, masks, "--masks"), folder(root, normalTest, "--normal-test"));
    }

    private static Optional<Path> folder(Path root, Optional<Path> dir, String option) throws BadInputException {
        return dir.isEmpty() ? Optional.empty() : Optional.of(folder(root, dir.get(), option));
    }

    private static Path folder(Path root, Path dir, String option) throws BadInputException {
        Path resolved = root.resolve(dir);
        if (!Files.isDirectory(resolved)) {
            throw new BadInputException(String.valueOf(resolved), "no such folder (" + option + ")");
        }
        return resolved;
    }

    @Override
    public DatasetLayout layout() {
        return DatasetLayout.FOLDER;
    }

    /**
     * @return the normal images, less those held out for testing, in name order
     * @throws IOException if none remain
     */
    @Override
    public List<Path> trainImages() throws IOException {
        List<Path> images = split().get(0);
        if (images.isEmpty()) {
            throw new BadInputException(String.valueOf(normal), "no training images (expected PNG/JPEG/BMP/TIFF files)");
        }
        return images;
    }

    /**
     * @return the normal test images ({@code good}) and the abnormal ones ({@value #ABNORMAL}) with their masks,
     *         by defect type then name
     * @throws IOException if there are none, an abnormal image has no mask while masks are given, or a mask's size
     *                     differs from its image's
     */
    @Override
    public List<TestImage> testImages() throws IOException {
        List<TestImage> out = new ArrayList<>();
        for (Path image : split().get(1)) {
            out.add(new TestImage(image, MvtecCategory.GOOD, MvtecCategory.stem(image), Optional.empty()));
        }
        Map<String, Path> maskByStem = masks.isEmpty() ? Map.of() : masksByStem(masks.get());
        for (Path image : abnormal.isEmpty() ? List.<Path>of() : MvtecCategory.imagesIn(abnormal.get())) {
            String stem = MvtecCategory.stem(image);
            Optional<Path> mask = Optional.ofNullable(maskByStem.get(stem));
            if (masks.isPresent() && mask.isEmpty()) {
                throw new BadInputException(String.valueOf(image), "no mask for it in " + masks.get() + " (expected "
                        + stem + ".png or " + stem + MASK_SUFFIX + ".png, any image extension)");
            }
            if (mask.isPresent()) {
                TestImages.checkMaskSize(image, mask.get());
            }
            out.add(new TestImage(image, ABNORMAL, stem, mask));
        }
        if (out.isEmpty()) {
            throw new BadInputException(String.valueOf(root), "no test images (give --abnormal DIR or --normal-test DIR,"
                    + " or more than one normal image)");
        }
        return TestImages.distinct(out);
    }

    /** @return the training images, then the normal test images, each in name order */
    private List<List<Path>> split() throws IOException {
        List<Path> all = MvtecCategory.imagesIn(normal);
        if (normalTest.isPresent()) {
            return List.of(all, MvtecCategory.imagesIn(normalTest.get()));
        }
        int held = all.size() < 2 ? 0 : Math.max(1, (int) Math.round(all.size() * TEST_SHARE));
        List<Path> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(SPLIT_SEED));
        List<Path> test = new ArrayList<>(shuffled.subList(0, held));
        List<Path> train = new ArrayList<>(shuffled.subList(held, shuffled.size()));
        Collections.sort(test);
        Collections.sort(train);
        return List.of(train, test);
    }

    /** Each mask file by its stem, and by its stem less {@value #MASK_SUFFIX}; the first file in name order wins. */
    private static Map<String, Path> masksByStem(Path dir) throws IOException {
        Map<String, Path> exact = new HashMap<>();
        Map<String, Path> suffixed = new HashMap<>();
        for (Path mask : MvtecCategory.imagesIn(dir)) {
            String stem = MvtecCategory.stem(mask);
            exact.putIfAbsent(stem, mask);
            if (stem.endsWith(MASK_SUFFIX)) {
                suffixed.putIfAbsent(stem.substring(0, stem.length() - MASK_SUFFIX.length()), mask);
            }
        }
        suffixed.putAll(exact);
        return suffixed;
    }
}
