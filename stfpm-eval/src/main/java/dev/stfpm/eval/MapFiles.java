package dev.stfpm.eval;

import dev.stfpm.core.data.TestImage;
import dev.stfpm.core.BadInputException;
import dev.stfpm.core.image.ImageFiles;
import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.NpyArray;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Finds and reads anomaly maps and ground-truth masks. Every bad-content problem is a {@link BadInputException} whose
 * message names the file and the problem.
 */
public final class MapFiles {

    /** Map file extensions looked for, in order. */
    private static final List<String> MAP_EXTENSIONS = List.of(".npy", ".tiff", ".tif");

    private MapFiles() {
    }

    /**
     * A map as read.
     *
     * @param data   {@code width × height} finite scores, row-major
     * @param width  pixels per row
     * @param height rows
     * @param range  the smallest and largest score
     */
    public record LoadedMap(float[] data, int width, int height, ScoreRange range) {
    }

    /**
     * @param mapsDir the maps folder
     * @param image   a test image
     * @return its map, {@code <mapsDir>/test/<defect>/<name>.npy} (or {@code .tiff}, {@code .tif})
     * @throws IOException if there is none
     */
    static Path find(Path mapsDir, TestImage image) throws IOException {
        Path npy = image.mapPath(mapsDir);
        for (String ext : MAP_EXTENSIONS) {
            Path candidate = npy.resolveSibling(image.name() + ext);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new BadInputException(String.valueOf(npy), "no anomaly map for test image " + image.image()
                + " (expected a float32 HxW .npy, or a .tiff/.tif)");
    }

    /**
     * Reads a map: a {@code .npy} of shape (H, W), (1, H, W) or (H, W, 1), or a single-channel TIFF
     * (float32 or integer samples).
     *
     * @param file the map file
     * @return the map
     * @throws IOException if it cannot be read, has another shape, or holds NaN or infinity
     */
    public static LoadedMap read(Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".npy") ? readNpy(file) : readTiff(file);
    }

    private static LoadedMap readNpy(Path file) throws IOException {
        NpyArray a = Npy.read(file);
        int[] s = a.shape();
        if (s.length == 3 && s[0] == 1) {
            s = new int[] {s[1], s[2]};
        } else if (s.length == 3 && s[2] == 1) {
            s = new int[] {s[0], s[1]};
        }
        if (s.length != 2 || s[0] < 1 || s[1] < 1) {
            throw new BadInputException(String.valueOf(file), "expected an HxW anomaly map, found shape " + Arrays.toString(a.shape()));
        }
        return scanned(file, a.data(), s[1], s[0]);
    }

    private static LoadedMap readTiff(Path file) throws IOException {
        BufferedImage img = ImageFiles.read(file, "anomaly map");
        Raster r = img.getRaster();
        if (r.getNumBands() != 1) {
            throw new BadInputException(String.valueOf(file), "expected a single-channel anomaly map, found " + r.getNumBands() + " channels");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        return scanned(file, r.getSamples(0, 0, w, h, 0, new float[w * h]), w, h);
    }

    /** A map whose scores have been checked to be finite, with their range. */
    private static LoadedMap scanned(Path file, float[] data, int width, int height) throws IOException {
        try {
            return new LoadedMap(data, width, height, ScoreRange.scan(file.toString(), data, width));
        } catch (IllegalArgumentException e) {
            String prefix = file + ": ";
            String m = e.getMessage() == null ? "bad scores" : e.getMessage();
            throw new BadInputException(file.toString(), m.startsWith(prefix) ? m.substring(prefix.length()) : m, e);
        }
    }

    /**
     * Reads a ground-truth mask (any non-zero colour is a defect pixel, as MVTec AD's evaluation
     * code takes it) and resizes it to the map's size by nearest neighbour.
     *
     * @param file   the mask image
     * @param width  the map's width
     * @param height the map's height
     * @return {@code width × height} flags, row-major
     * @throws IOException if it cannot be read
     */
    public static boolean[] readMask(Path file, int width, int height) throws IOException {
        BufferedImage img = ImageFiles.read(file, "ground-truth mask");
        int sw = img.getWidth();
        int sh = img.getHeight();
        boolean[] full = new boolean[sw * sh];
        Raster r = img.getRaster();
        if (img.getColorModel() instanceof ComponentColorModel) {
            int bands = img.getColorModel().getNumColorComponents();
            int[] row = new int[sw * r.getNumBands()];
            for (int y = 0; y < sh; y++) {
                r.getPixels(0, y, sw, 1, row);
                for (int x = 0; x < sw; x++) {
                    boolean on = false;
                    for (int b = 0; b < bands; b++) {
                        on |= row[x * r.getNumBands() + b] != 0;
                    }
                    full[y * sw + x] = on;
                }
            }
        } else {
            int[] row = new int[sw];
            for (int y = 0; y < sh; y++) {
                img.getRGB(0, y, sw, 1, row, 0, sw);
                for (int x = 0; x < sw; x++) {
                    full[y * sw + x] = (row[x] & 0xffffff) != 0;
                }
            }
        }
        if (sw == width && sh == height) {
            return full;
        }
        boolean[] out = new boolean[width * height];
        for (int y = 0; y < height; y++) {
            // nearest neighbour at pixel centres, as PIL's Image.NEAREST: src = floor((dst + 0.5) * src_size / dst_size)
            int sy = Math.min(sh - 1, (int) ((y + 0.5) * sh / height));
            for (int x = 0; x < width; x++) {
                int sx = Math.min(sw - 1, (int) ((x + 0.5) * sw / width));
                out[y * width + x] = full[sy * sw + sx];
            }
        }
        return out;
    }
}
