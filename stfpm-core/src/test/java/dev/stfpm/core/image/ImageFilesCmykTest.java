package dev.stfpm.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CMYK JPEGs are converted to RGB as Pillow (and browsers) show them, not read as their raw C, M, Y
 * channels; ordinary JPEGs decode to the same pixels as with the JDK's own reader. The fixtures in
 * {@code cmyk/} are made by {@code cmyk/make_fixture.py} with Debian's python3-pil: a 96×64
 * picture saved as RGB JPEG, as (untagged, Adobe) CMYK JPEG, and Pillow's RGB decoding of the CMYK
 * file as PNG; and the CMYK JPEG with an ICC profile embedded (a CMYK profile shrunk from
 * Ghostscript's) with LittleCMS's conversion through that profile. Measured: our decoding of the
 * untagged CMYK JPEG equals Pillow's at every pixel (largest difference 0), and so after
 * preprocessing; the tests allow 1/255 per pixel and 1e-3 after normalisation. The ICC-tagged one
 * is converted through its profile, 0.18/255 off LittleCMS on average (bounds below).
 */
class ImageFilesCmykTest {

    /** Per pixel, in [0, 1] units: one 8-bit step (measured: 0). */
    private static final double PIXEL_TOLERANCE = 1.0 / 255;
    /**
     * ICC-tagged: mean difference from LittleCMS's relative-colorimetric conversion through the
     * embedded profile (measured: 0.18/255; the untagged formula would be about 30/255 off).
     */
    private static final double ICC_MEAN = 0.5 / 255;
    /**
     * ICC-tagged: largest difference (measured: 18/255, in the darkest reds at the left edge, where
     * Java's and Pillow's LittleCMS builds interpolate the coarse CLUT differently near black).
     */
    private static final double ICC_MAX = 24.0 / 255;
    /** ICC-tagged: share of samples more than 3/255 off (measured: 140 of 18432, 0.76%). */
    private static final double ICC_OUTLIERS = 0.01;
    /** After resizing to 32 and ImageNet normalisation (measured: 0). */
    private static final double PREPROCESSED_TOLERANCE = 1e-3;

    @Test
    void cmykJpegDecodesAsPillowShowsIt() throws Exception {
        BufferedImage img = ImageFiles.read(fixture("photo_cmyk.jpg"), "image");
        assertThat(img.getColorModel().getColorSpace().getType()).as("converted to RGB")
                .isEqualTo(java.awt.color.ColorSpace.TYPE_RGB);
        double max = maxDifference(ImagePreprocessor.toRgb(img).data(),
                ImagePreprocessor.readRgb(fixture("photo_cmyk_pil.png")).data());
        System.out.printf("CMYK JPEG vs Pillow per pixel: max %.3f/255%n", max * 255);
        assertThat(max).isLessThanOrEqualTo(PIXEL_TOLERANCE);
    }

    @Test
    void cmykJpegScoresAsPillowsRgbDecoding() throws Exception {
        ImagePreprocessor pre = new ImagePreprocessor(32);
        double max = maxDifference(pre.load(fixture("photo_cmyk.jpg")), pre.load(fixture("photo_cmyk_pil.png")));
        System.out.printf("CMYK JPEG vs Pillow after preprocessing: max %.2e%n", max);
        assertThat(max).isLessThanOrEqualTo(PREPROCESSED_TOLERANCE);
    }

    @Test
    void iccTaggedCmykJpegIsConvertedThroughItsProfile() throws Exception {
        float[] ours = ImagePreprocessor.readRgb(fixture("photo_cmyk_icc.jpg")).data();
        float[] lcms = ImagePreprocessor.readRgb(fixture("photo_cmyk_icc_lcms.png")).data();
        float[] untagged = ImagePreprocessor.readRgb(fixture("photo_cmyk_pil.png")).data();
        double max = maxDifference(ours, lcms);
        double mean = meanDifference(ours, lcms);
        double fromFormula = meanDifference(ours, untagged);
        System.out.printf("ICC CMYK JPEG vs LittleCMS: max %.2f/255, mean %.3f/255; vs untagged formula: mean %.2f/255%n",
                max * 255, mean * 255, fromFormula * 255);
        long outliers = 0;
        for (int i = 0; i < ours.length; i++) {
            outliers += Math.abs(ours[i] - lcms[i]) > 3.5f / 255 ? 1 : 0;
        }
        System.out.printf("ICC CMYK JPEG: %d of %d samples more than 3/255 off%n", outliers, ours.length);
        assertThat(max).isLessThanOrEqualTo(ICC_MAX);
        assertThat(mean).isLessThanOrEqualTo(ICC_MEAN);
        assertThat((double) outliers / ours.length).isLessThanOrEqualTo(ICC_OUTLIERS);
        assertThat(fromFormula).as("the profile is used, not the untagged formula").isGreaterThan(10.0 / 255);
    }

    @Test
    void cmykRasterFromTheJdkReaderIsConvertedToo() throws Exception {
        // Images decoded elsewhere (StfpmModel.predict(BufferedImage)) may come from the JDK's reader,
        // which returns the raw, un-inverted CMYK samples.
        BufferedImage raw = readWithJdk(fixture("photo_cmyk.jpg"));
        assertThat(raw.getColorModel().getColorSpace().getType()).isEqualTo(java.awt.color.ColorSpace.TYPE_CMYK);
        double max = maxDifference(ImagePreprocessor.toRgb(raw).data(),
                ImagePreprocessor.readRgb(fixture("photo_cmyk_pil.png")).data());
        System.out.printf("JDK CMYK raster via toRgb vs Pillow: max %.3f/255%n", max * 255);
        assertThat(max).isLessThanOrEqualTo(PIXEL_TOLERANCE);
    }

    @Test
    void ordinaryRgbJpegDecodesToTheSamePixelsAsTheJdkReader() throws Exception {
        Path f = fixture("photo_rgb.jpg");
        assertSamePixels(ImageFiles.read(f, "image"), readWithJdk(f));
    }

    @Test
    void greyJpegDecodesToTheSamePixelsAsTheJdkReader(@TempDir Path dir) throws IOException {
        BufferedImage grey = new BufferedImage(50, 30, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 50; x++) {
                grey.getRaster().setSample(x, y, 0, (x * 5 + y * 3) % 256);
            }
        }
        Path f = dir.resolve("grey.jpg");
        assertThat(ImageIO.write(grey, "jpg", f.toFile())).isTrue();
        BufferedImage ours = ImageFiles.read(f, "image");
        assertThat(ours.getRaster().getNumBands()).isEqualTo(1);
        assertSamePixels(ours, readWithJdk(f));
    }

    private static void assertSamePixels(BufferedImage ours, BufferedImage jdk) {
        assertThat(ours.getWidth()).isEqualTo(jdk.getWidth());
        assertThat(ours.getHeight()).isEqualTo(jdk.getHeight());
        Raster a = ours.getRaster();
        Raster b = jdk.getRaster();
        assertThat(a.getNumBands()).isEqualTo(b.getNumBands());
        int w = ours.getWidth();
        int h = ours.getHeight();
        assertThat(a.getPixels(0, 0, w, h, (int[]) null)).isEqualTo(b.getPixels(0, 0, w, h, (int[]) null));
    }

    /** Decodes with the JDK's own JPEG reader, bypassing the TwelveMonkeys plugin. */
    private static BufferedImage readWithJdk(Path file) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            if (r.getClass().getName().startsWith("com.sun.imageio.")) {
                try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                    r.setInput(in);
                    return r.read(0);
                } finally {
                    r.dispose();
                }
            }
        }
        throw new AssertionError("the JDK's JPEG reader is not registered");
    }

    private static double meanDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    private static double maxDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static Path fixture(String file) throws URISyntaxException {
        return Path.of(ImageFilesCmykTest.class.getResource("cmyk/" + file).toURI());
    }
}
