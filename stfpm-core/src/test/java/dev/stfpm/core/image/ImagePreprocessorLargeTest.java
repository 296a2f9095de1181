package dev.stfpm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.BadInputException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large images are decoded with bounded memory: {@link ImagePreprocessor#load} subsamples a file
 * larger than {@link ImagePreprocessor#decodeLimit()} while decoding, {@link ImageFiles} refuses
 * files over its hard limits from their header, and a full-resolution read (masks) that would not
 * fit in half the heap is refused instead of ending in an OutOfMemoryError. The pictures
 * are generated in a temporary folder (a 16000 × 16000 PNG of smooth content is written row by row
 * in constant memory and is about 3.5 MB).
 */
class ImagePreprocessorLargeTest {

    /**
     * Subsampled vs full decode of a 4000 × 4000 photograph-like picture (gradients, rings, fine
     * texture and ±12 noise) preprocessed to 256 × 256: 4000 > 2048, so every second pixel and row
     * is decoded. Measured, in [0, 1] pixel units before normalisation: at most 2.6/255 at a pixel,
     * 0.46/255 on average. The bounds allow some margin.
     */
    private static final double SUBSAMPLED_MAX = 4.0 / 255;
    private static final double SUBSAMPLED_MEAN = 0.6 / 255;

    @Test
    void huge16000PngPreprocessesUnder512MbAndItsFullReadIsRefused(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("huge.png");
        BigPng.write(png, 16000, 16000, true);
        System.out.printf("16000x16000 PNG: %d KB%n", Files.size(png) >> 10);
        List<String> lines = runWithHeap("512m", png, 256);
        assertThat(lines).anyMatch(l -> l.startsWith("load ok " + 3 * 256 * 256 + " "));
        assertThat(lines).anyMatch(l -> l.startsWith("mask refused " + png + ": ground-truth mask is 16000x16000 pixels"));
    }

    @Test
    void subsampledDecodeIsCloseToFullDecode(@TempDir Path dir) throws IOException {
        int n = 4000;
        BufferedImage img = new BufferedImage(n, n, BufferedImage.TYPE_3BYTE_BGR);
        Random rnd = new Random(3);
        int[] row = new int[n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double ring = Math.sin(Math.hypot(x - 1800, y - 2100) / 40.0);
                double texture = Math.sin(x / 3.0) * Math.sin(y / 5.0);
                int r = clamp(60 + 150.0 * x / n + 30 * ring + 10 * texture + rnd.nextInt(25) - 12);
                int g = clamp(200 - 120.0 * y / n + 25 * ring + rnd.nextInt(25) - 12);
                int b = clamp(128 + 60 * Math.sin((x + y) / 300.0) + 15 * texture + rnd.nextInt(25) - 12);
                row[x] = r << 16 | g << 8 | b;
            }
            img.setRGB(0, y, n, 1, row, 0, n);
        }
        Path png = dir.resolve("photo.png");
        ImageIO.write(img, "png", png.toFile());
        img = null;

        ImagePreprocessor pre = new ImagePreprocessor(256);
        assertThat(pre.decodeLimit()).isEqualTo(2048);
        float[] subsampled = pre.load(png);
        float[] full = ImagePreprocessor.normalise(pre.resize(ImagePreprocessor.readRgb(png)));
        double max = 0;
        double sum = 0;
        for (int i = 0; i < full.length; i++) {
            double d = Math.abs(subsampled[i] - full[i]) * ImagePreprocessor.IMAGENET_STD[i / (256 * 256)];
            max = Math.max(max, d);
            sum += d;
        }
        System.out.printf("4000x4000 subsampled by 2 vs full decode: max %.2f/255, mean %.3f/255%n",
                max * 255, sum / full.length * 255);
        assertThat(max).isLessThanOrEqualTo(SUBSAMPLED_MAX);
        assertThat(sum / full.length).isLessThanOrEqualTo(SUBSAMPLED_MEAN);
    }

    @Test
    void imagesUpToTheDecodeLimitAreNotSubsampled(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("mvtec-sized.png");
        BigPng.write(png, 1024, 1024, true);
        ImagePreprocessor pre = new ImagePreprocessor(256);
        assertThat(pre.load(png)).containsExactly(ImagePreprocessor.normalise(pre.resize(ImagePreprocessor.readRgb(png))));
        assertThat(ImageFiles.read(png, "image", 2048, 2048).getWidth()).isEqualTo(1024);
        assertThat(ImageFiles.read(png, "image", 300, 1024).getWidth()).isEqualTo(256);
        assertThat(ImageFiles.read(png, "image", 300, 1024).getHeight()).isEqualTo(1024);
        assertThat(ImageFiles.read(png, "image", 300, 1000).getHeight()).isEqualTo(512);
    }

    @Test
    void imagesOverTheHardLimitsAreRefusedFromTheirHeader(@TempDir Path dir) throws IOException {
        Path wide = dir.resolve("wide.png");
        BigPng.writeHeaderOnly(wide, 70_000, 10);
        assertThatThrownBy(() -> new ImagePreprocessor(256).load(wide)).isInstanceOf(BadInputException.class)
                .hasMessage(wide + ": image is 70000x10 pixels, larger than the limit of 65536 pixels a side and "
                        + ImageFiles.MAX_PIXELS + " pixels in all");
        Path big = dir.resolve("big.png");
        BigPng.writeHeaderOnly(big, 40_000, 40_000);
        assertThatThrownBy(() -> ImageFiles.read(big, "ground-truth mask", 1024, 1024))
                .isInstanceOf(BadInputException.class).hasMessageContaining("40000x40000");
        assertThat(ImageFiles.size(big, "image")).isEqualTo(new ImageFiles.Size(40_000, 40_000));
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Runs {@link LargeImageProbe} in a child JVM with the given heap; returns its output lines. */
    private static List<String> runWithHeap(String heap, Path image, int size) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                LargeImageProbe.class.getName(), image.toString(), Integer.toString(size))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        System.out.print(out);
        assertThat(p.exitValue()).as("child JVM with -Xmx%s:%n%s", heap, out).isZero();
        return out.lines().toList();
    }
}
