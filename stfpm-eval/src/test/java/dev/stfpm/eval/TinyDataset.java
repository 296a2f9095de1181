package dev.stfpm.eval;

import dev.stfpm.core.io.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes a tiny data set in the MVTec AD layout, with its maps, for tests (of this package and of reports). */
public final class TinyDataset {

    /** The category folder. */
    public final Path root;
    /** The anomaly maps folder. */
    public final Path maps;

    /** Starts an empty data set under {@code dir}. */
    public TinyDataset(Path dir) throws IOException {
        root = dir.resolve("tiny");
        maps = dir.resolve("maps");
        Files.createDirectories(root.resolve("train/good"));
        Files.createDirectories(maps);
    }

    /**
     * Adds a test image (a 16x16 colour gradient), its map ({@code h × w} float32 .npy) and, when
     * given, its mask PNG of {@code maskSide × maskSide} pixels (0 or 255).
     */
    public TinyDataset add(String defect, String name, float[] map, int w, int h, boolean[] mask, int maskSide) throws IOException {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                img.setRGB(x, y, (x * 16) << 16 | (y * 16) << 8 | 128);
            }
        }
        Path image = root.resolve("test").resolve(defect).resolve(name + ".png");
        Files.createDirectories(image.getParent());
        ImageIO.write(img, "png", image.toFile());
        Npy.write(maps.resolve("test").resolve(defect).resolve(name + ".npy"), map, h, w);
        if (mask != null) {
            BufferedImage m = new BufferedImage(maskSide, maskSide, BufferedImage.TYPE_BYTE_GRAY);
            for (int i = 0; i < mask.length; i++) {
                m.getRaster().setSample(i % maskSide, i / maskSide, 0, mask[i] ? 255 : 0);
            }
            Path file = root.resolve("ground_truth").resolve(defect).resolve(name + "_mask.png");
            Files.createDirectories(file.getParent());
            ImageIO.write(m, "png", file.toFile());
        }
        return this;
    }

    /**
     * The hand-worked case: good/000 = [0.1 0.2; 0.3 0.4]; crack/000 = [0.3 0.2; 0.25 0.1] whose 4x4
     * mask marks its top-left 2x2 block, i.e. the top-left map pixel after nearest-neighbour resizing.
     */
    public static TinyDataset handCase(Path dir) throws IOException {
        boolean[] mask = new boolean[16];
        mask[0] = mask[1] = mask[4] = mask[5] = true;
        return new TinyDataset(dir)
                .add("good", "000", new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 2, 2, null, 0)
                .add("crack", "000", new float[] {0.3f, 0.2f, 0.25f, 0.1f}, 2, 2, mask, 4);
    }
}
