package dev.stfpm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImagePreprocessorTest {

    private static final int R = 200;
    private static final int G = 100;
    private static final int B = 50;

    private static float normalised(int value, int channel) {
        return (value / 255f - ImagePreprocessor.IMAGENET_MEAN[channel]) / ImagePreprocessor.IMAGENET_STD[channel];
    }

    private static BufferedImage filled(int type) {
        BufferedImage img = new BufferedImage(40, 30, type);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(R, G, B));
        g.fillRect(0, 0, 40, 30);
        g.dispose();
        return img;
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "bmp", "tiff"})
    void uniformRgbImageGivesItsNormalisedColourEverywhere(String format, @TempDir Path dir) throws IOException {
        Path f = dir.resolve("img." + format);
        assertThat(ImageIO.write(filled(BufferedImage.TYPE_3BYTE_BGR), format, f.toFile())).isTrue();
        float[] x = new ImagePreprocessor(16).load(f);
        assertThat(x).hasSize(3 * 16 * 16);
        for (int c = 0; c < 3; c++) {
            int value = c == 0 ? R : c == 1 ? G : B;
            for (int i = c * 256; i < (c + 1) * 256; i++) {
                assertThat(x[i]).isCloseTo(normalised(value, c), within(1e-4f));
            }
        }
    }

    @Test
    void rgbaImageDropsAlpha(@TempDir Path dir) throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, 0x40 << 24 | R << 16 | G << 8 | B);
            }
        }
        Path f = dir.resolve("alpha.png");
        ImageIO.write(img, "png", f.toFile());
        RgbImage rgb = ImagePreprocessor.readRgb(f);
        assertThat(rgb.data()[0]).isCloseTo(R / 255f, within(1e-6f));
        assertThat(rgb.data()[64]).isCloseTo(G / 255f, within(1e-6f));
        assertThat(rgb.data()[128]).isCloseTo(B / 255f, within(1e-6f));
    }

    @Test
    void sixteenBitGreyKeepsItsPrecisionInAllChannels(@TempDir Path dir) throws IOException {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(1, 2, 0, 40000);
        Path f = dir.resolve("grey16.png");
        ImageIO.write(img, "png", f.toFile());
        RgbImage rgb = ImagePreprocessor.readRgb(f);
        int p = 2 * 4 + 1;
        for (int c = 0; c < 3; c++) {
            assertThat(rgb.data()[c * 16 + p]).isCloseTo(40000f / 65535f, within(1e-6f));
            assertThat(rgb.data()[c * 16]).isZero();
        }
    }

    @Test
    void eightBitGreyAndPaletteImagesAreRead(@TempDir Path dir) throws IOException {
        BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 128);
        Path g = dir.resolve("grey.png");
        ImageIO.write(grey, "png", g.toFile());
        assertThat(ImagePreprocessor.readRgb(g).data()[32]).isCloseTo(128 / 255f, within(1e-6f));

        byte[] red = {0, (byte) 255};
        byte[] zero = {0, 0};
        BufferedImage palette = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, red, zero, zero));
        palette.getRaster().setSample(3, 3, 0, 1);
        Path p = dir.resolve("palette.png");
        ImageIO.write(palette, "png", p.toFile());
        float[] data = ImagePreprocessor.readRgb(p).data();
        assertThat(data[15]).isEqualTo(1f);
        assertThat(data[16 + 15]).isZero();
    }

    @Test
    void jpegIsRead(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("photo.jpg");
        ImageIO.write(filled(BufferedImage.TYPE_3BYTE_BGR), "jpg", f.toFile());
        RgbImage rgb = ImagePreprocessor.readRgb(f);
        assertThat(rgb.width()).isEqualTo(40);
        assertThat(rgb.data()[0]).isCloseTo(R / 255f, within(0.03f));
    }

    @Test
    void downscalingAveragesInsteadOfAliasing() {
        int w = 64;
        float[] data = new float[3 * w * w];
        for (int y = 0; y < w; y++) {
            for (int x = 0; x < w; x++) {
                float v = (x + y) % 2;
                for (int c = 0; c < 3; c++) {
                    data[c * w * w + y * w + x] = v;
                }
            }
        }
        float[] small = new ImagePreprocessor(8).resize(new RgbImage(w, w, data));
        for (float v : small) {
            assertThat(v).isCloseTo(0.5f, within(0.02f));
        }
    }

    /**
     * {@code preprocess} reads 8-bit interleaved images straight from their bytes; that must give
     * exactly what the general path (floats of every pixel first) gives, for every layout of bytes
     * ImageIO's readers produce and for images shrunk and enlarged.
     */
    @ParameterizedTest
    @ValueSource(ints = {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY,
        BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_INDEXED})
    void theBytesOfAnImageGiveExactlyWhatItsFloatsGive(int type) {
        Random random = new Random(type);
        for (int[] wh : new int[][] {{301, 217}, {37, 45}, {256, 256}}) {
            BufferedImage img = new BufferedImage(wh[0], wh[1], type);
            for (int y = 0; y < wh[1]; y++) {
                for (int x = 0; x < wh[0]; x++) {
                    img.setRGB(x, y, random.nextInt());
                }
            }
            ImagePreprocessor pre = new ImagePreprocessor(64);
            float[] general = ImagePreprocessor.normalise(pre.resize(ImagePreprocessor.toRgb(img)));
            assertThat(pre.preprocess(img)).as("type %d, %dx%d", type, wh[0], wh[1]).containsExactly(general);
        }
    }

    /** A column of the vertical pass, summed as the triangle filter defines it, matches the resized image. */
    @Test
    void resizingSumsTheTriangleFilterOverEachOutputPixel() {
        int w = 50;
        int h = 70;
        int size = 16;
        Random random = new Random(3);
        float[] data = new float[3 * w * h];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextInt(4) / 3f; // ties and repeats
        }
        float[] ours = new ImagePreprocessor(size).resize(new RgbImage(w, h, data));
        for (int c = 0; c < 3; c++) {
            for (int oy = 0; oy < size; oy++) {
                for (int ox = 0; ox < size; ox++) {
                    double[] wy = triangle(h, size, oy);
                    double[] wx = triangle(w, size, ox);
                    double sum = 0;
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            sum += wy[y] * wx[x] * data[c * w * h + y * w + x];
                        }
                    }
                    assertThat((double) ours[c * size * size + oy * size + ox]).isCloseTo(sum, within(1e-5));
                }
            }
        }
    }

    /** The normalised triangle weights of every input sample for output {@code o} (support widened by the scale). */
    private static double[] triangle(int in, int out, int o) {
        double scale = (double) in / out;
        double support = Math.max(scale, 1.0);
        double centre = (o + 0.5) * scale;
        double[] weights = new double[in];
        double total = 0;
        for (int i = 0; i < in; i++) {
            weights[i] = Math.max(0, 1 - Math.abs((i + 0.5 - centre) / support));
            total += weights[i];
        }
        for (int i = 0; i < in; i++) {
            weights[i] /= total;
        }
        return weights;
    }

    @Test
    void badFilesAreNamed(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image");
        ImagePreprocessor pre = new ImagePreprocessor(8);
        assertThatThrownBy(() -> pre.load(text)).isInstanceOf(IOException.class).hasMessageContaining("notes.png");
        assertThatThrownBy(() -> pre.load(dir.resolve("gone.png"))).isInstanceOf(IOException.class)
                .hasMessageContaining("gone.png").hasMessageContaining("no such image");
    }
}
