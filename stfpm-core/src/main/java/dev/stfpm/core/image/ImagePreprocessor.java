package dev.stfpm.core.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns an image file into the network's input: RGB floats, bilinearly resized to a square,
 * normalised with the ImageNet mean and standard deviation, laid out channel-first (CHW).
 *
 * <p>Reads whatever the JDK's ImageIO reads (PNG, JPEG, BMP, TIFF, GIF): 8- or 16-bit samples, grey
 * or RGB, with or without alpha (alpha is dropped, grey is copied to all three channels). Resizing
 * uses a triangle (bilinear) filter whose support widens with the reduction factor, as PIL's and
 * torchvision's antialiased bilinear resize do, so a 900×900 photograph is averaged, not aliased.
 * CMYK images are converted to RGB ({@link ImageFiles} says how).
 *
 * <p>Large files are decoded with bounded memory: {@link #load(Path)} asks {@link ImageFiles} for
 * at most {@link #decodeLimit()} pixels a side (4 × the output size, and never less than 2048), so an
 * image larger than that is decoded with source subsampling (every n-th pixel and row) before the
 * antialiased resize. MVTec AD's images (up to 1024 × 1024) are never subsampled; for a larger
 * picture the result differs slightly from a full decode, since subsampling picks pixels where the
 * filter would have averaged them (measured on a 4000 × 4000 photograph-like picture with noise,
 * subsampled by 2 to 2000 × 2000 and resized to 256: at most 2.6/255 at a pixel, 0.46/255 on
 * average, in [0, 1] units before normalisation; {@code ImagePreprocessorLargeTest}). Instances are
 * immutable and thread-safe.
 */
public final class ImagePreprocessor {

    /** ImageNet channel means (RGB). */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet channel standard deviations (RGB). */
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private final int size;

    /**
     * @param size the side of the square output, 256 in the paper
     */
    public ImagePreprocessor(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("image size must be positive: " + size);
        }
        this.size = size;
    }

    /** @return the side of the square output */
    public int size() {
        return size;
    }

    /**
     * @return the widest and tallest an image file is decoded by {@link #load(Path)}: {@code max(4 ×
     *         size, 2048)}; larger files are subsampled while decoding
     */
    public int decodeLimit() {
        return Math.max(MIN_DECODE_LIMIT, DECODE_FACTOR * size);
    }

    /** How many times the output size a file is decoded at, at most. */
    private static final int DECODE_FACTOR = 4;
    /** Files up to this size a side are never subsampled. */
    private static final int MIN_DECODE_LIMIT = 2048;

    /**
     * Reads, resizes and normalises one image file.
     *
     * @param file the image
     * @return {@code 3 × size × size} floats, channel-first
     * @throws IOException if the file is missing, unreadable or not an image ImageIO can decode
     *                     ({@link dev.stfpm.core.BadInputException})
     */
    public float[] load(Path file) throws IOException {
        int limit = decodeLimit();
        return preprocess(ImageFiles.read(file, "image", limit, limit));
    }

    /**
     * Decodes, resizes and normalises an image held in memory, as {@link #load(Path)} does a file.
     *
     * @param bytes  the encoded image (PNG, JPEG, BMP, TIFF, GIF)
     * @param source what to call it in a message: its file name or path
     * @return {@code 3 × size × size} floats, channel-first
     * @throws IOException if the bytes are not an image ImageIO can decode ({@link dev.stfpm.core.BadInputException})
     */
    public float[] load(byte[] bytes, String source) throws IOException {
        int limit = decodeLimit();
        return preprocess(ImageFiles.read(bytes, source, "image", limit, limit));
    }

    /**
     * Resizes and normalises a decoded image.
     *
     * @param image the image, any size and type ImageIO produces
     * @return {@code 3 × size × size} floats, channel-first
     */
    public float[] preprocess(BufferedImage image) {
        float[] resized = resizeInterleavedBytes(image);
        return normalise(resized != null ? resized : resize(toRgb(image)));
    }

    /**
     * {@link #resize(RgbImage)} of {@link #toRgb(BufferedImage)}, computed from the image's bytes
     * without that full-size float copy, for what decoding PNG and JPEG files mostly gives: 8-bit grey
     * or RGB samples (alpha ignored) interleaved in one byte array. The same arithmetic in the same
     * order, so the same floats ({@code ImagePreprocessorTest}); bottle's 900×900 PNGs take 25 ms each from
     * file to floats this way, 33.5 ms the general way (one thread, decoding included).
     *
     * @return {@code 3 × size × size} floats in [0, 1], or {@code null} for any other kind of image
     */
    private float[] resizeInterleavedBytes(BufferedImage img) {
        Raster r = img.getRaster();
        if (!(r.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1
                || !(r.getSampleModel() instanceof PixelInterleavedSampleModel sm)
                || r.getSampleModelTranslateX() != 0 || r.getSampleModelTranslateY() != 0
                || !(img.getColorModel() instanceof ComponentColorModel)) {
            return null;
        }
        int bands = r.getNumBands();
        for (int b = 0; b < bands; b++) {
            if (sm.getSampleSize(b) != Byte.SIZE) {
                return null;
            }
        }
        int space = img.getColorModel().getColorSpace().getType();
        int[] offsets = sm.getBandOffsets();
        int[] channel; // the byte offset of R, G and B within a pixel
        if (space == ColorSpace.TYPE_GRAY && bands <= 2) {
            channel = new int[] {offsets[0], offsets[0], offsets[0]};
        } else if (space == ColorSpace.TYPE_RGB && bands >= 3 && bands <= 4) {
            channel = new int[] {offsets[0], offsets[1], offsets[2]};
        } else {
            return null;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] data = buffer.getData();
        int first = buffer.getOffset();
        int pixelStride = sm.getPixelStride();
        int scanline = sm.getScanlineStride();
        Resampler horizontal = new Resampler(w, size);
        float[][] tmp = new float[3][h * size];
        for (int y = 0; y < h; y++) {
            resizeRow(data, first + y * scanline, pixelStride, channel, horizontal, tmp, y * size);
        }
        Resampler vertical = new Resampler(h, size);
        float[] out = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            vertical.applyToRows(tmp[c], size, out, c * size * size);
        }
        return out;
    }

    /**
     * The horizontal pass of {@link #resizeInterleavedBytes} over one row of pixels, into {@code tmp}'s
     * three planes at {@code at}: a method of its own, so that the JIT compiler compiles this loop soon
     * and once.
     */
    private void resizeRow(byte[] data, int row, int pixelStride, int[] channel, Resampler horizontal, float[][] tmp,
                           int at) {
        float scale = 1f / 255;
        for (int o = 0; o < size; o++) {
            float[] weight = horizontal.weights[o];
            int p = row + horizontal.start[o] * pixelStride;
            float red = 0;
            float green = 0;
            float blue = 0;
            for (int k = 0; k < weight.length; k++, p += pixelStride) {
                red += weight[k] * ((data[p + channel[0]] & 0xff) * scale);
                green += weight[k] * ((data[p + channel[1]] & 0xff) * scale);
                blue += weight[k] * ((data[p + channel[2]] & 0xff) * scale);
            }
            tmp[0][at + o] = red;
            tmp[1][at + o] = green;
            tmp[2][at + o] = blue;
        }
    }

    /**
     * Reads, resizes and normalises several image files, decoding them in parallel (decoding a large
     * PNG takes longer than running the networks on it).
     *
     * @param files the images
     * @return one {@code 3 × size × size} array per file, in order
     * @throws IOException if a file cannot be read (the message names it)
     */
    public List<float[]> loadAll(List<Path> files) throws IOException {
        try {
            return files.parallelStream().map(file -> {
                try {
                    return load(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Decodes an image file to RGB in [0, 1], channel-first, at its own size.
     *
     * @param file the image
     * @return the decoded image
     * @throws IOException if the file is missing, unreadable or not an image ImageIO can decode
     *                     ({@link ImageFiles#read(Path, String)})
     */
    public static RgbImage readRgb(Path file) throws IOException {
        return toRgb(ImageFiles.read(file, "image"));
    }

    /**
     * Converts a decoded image to RGB floats in [0, 1], channel-first, keeping 16-bit precision.
     * Grey and RGB samples are taken as they are; CMYK samples (as the JDK's own JPEG and TIFF
     * readers return them) are converted as browsers and Pillow show them, {@code R = (1 - C)(1 -
     * K)}; any other colour space goes through its colour model.
     *
     * @param img the image
     * @return the image as RGB floats
     */
    public static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        float[] rgb = new float[3 * plane];
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        int type = r.getDataBuffer().getDataType();
        boolean component = img.getColorModel() instanceof ComponentColorModel
                && (type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT);
        int space = img.getColorModel().getColorSpace().getType();
        boolean direct = component && (space == ColorSpace.TYPE_GRAY && bands <= 2
                || space == ColorSpace.TYPE_RGB && bands >= 3 && bands <= 4);
        boolean cmyk = component && space == ColorSpace.TYPE_CMYK && bands >= 4 && bands <= 5;
        if (cmyk) {
            float scale = 1f / ((1 << r.getSampleModel().getSampleSize(0)) - 1);
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                r.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int p = y * w + x;
                    float k = 1f - row[x * bands + 3] * scale;
                    for (int c = 0; c < 3; c++) {
                        rgb[c * plane + p] = (1f - row[x * bands + c] * scale) * k;
                    }
                }
            }
        } else if (direct) {
            float scale = 1f / ((1 << r.getSampleModel().getSampleSize(0)) - 1);
            int colourBands = bands <= 2 ? 1 : 3;
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                r.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int p = y * w + x;
                    for (int c = 0; c < 3; c++) {
                        int band = colourBands == 1 ? 0 : c;
                        rgb[c * plane + p] = row[x * bands + band] * scale;
                    }
                }
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int argb = row[x];
                    int p = y * w + x;
                    rgb[p] = (argb >>> 16 & 0xff) / 255f;
                    rgb[plane + p] = (argb >>> 8 & 0xff) / 255f;
                    rgb[2 * plane + p] = (argb & 0xff) / 255f;
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /**
     * Resizes to {@code size × size} with an antialiased bilinear (triangle) filter.
     *
     * @param image the image
     * @return {@code 3 × size × size} floats, channel-first, same value range
     */
    public float[] resize(RgbImage image) {
        Resampler horizontal = new Resampler(image.width(), size);
        Resampler vertical = new Resampler(image.height(), size);
        int w = image.width();
        int h = image.height();
        float[] out = new float[3 * size * size];
        float[] tmp = new float[h * size];
        for (int c = 0; c < 3; c++) {
            int in = c * w * h;
            for (int y = 0; y < h; y++) {
                horizontal.apply(image.data(), in + y * w, tmp, y * size);
            }
            vertical.applyToRows(tmp, size, out, c * size * size);
        }
        return out;
    }

    /**
     * Applies the ImageNet normalisation in place.
     *
     * @param chw {@code 3 × H × W} floats in [0, 1]
     * @return the same array, normalised
     */
    public static float[] normalise(float[] chw) {
        int plane = chw.length / 3;
        for (int c = 0; c < 3; c++) {
            float mean = IMAGENET_MEAN[c];
            float inv = 1f / IMAGENET_STD[c];
            for (int i = c * plane, end = i + plane; i < end; i++) {
                chw[i] = (chw[i] - mean) * inv;
            }
        }
        return chw;
    }

    /** Precomputed triangle-filter taps mapping {@code in} samples to {@code out}. */
    private static final class Resampler {
        private final int[] start;
        private final float[][] weights;

        Resampler(int in, int out) {
            double scale = (double) in / out;
            double support = Math.max(scale, 1.0);
            start = new int[out];
            weights = new float[out][];
            for (int o = 0; o < out; o++) {
                double centre = (o + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(centre - support));
                int hi = Math.min(in, (int) Math.ceil(centre + support));
                double[] w = new double[hi - lo];
                double sum = 0;
                for (int i = lo; i < hi; i++) {
                    double t = Math.abs((i + 0.5 - centre) / support);
                    w[i - lo] = Math.max(0, 1 - t);
                    sum += w[i - lo];
                }
                start[o] = lo;
                weights[o] = new float[w.length];
                for (int k = 0; k < w.length; k++) {
                    weights[o][k] = (float) (w[k] / sum);
                }
            }
        }

        /** Resamples one line: the input's consecutive values at {@code srcOffset} into the output's at {@code dstOffset}. */
        void apply(float[] src, int srcOffset, float[] dst, int dstOffset) {
            for (int o = 0; o < start.length; o++) {
                float[] w = weights[o];
                int s = srcOffset + start[o];
                float acc = 0;
                for (int k = 0; k < w.length; k++, s++) {
                    acc += w[k] * src[s];
                }
                dst[dstOffset + o] = acc;
            }
        }

        /**
         * Resamples a column of rows: the input's rows of {@code width} values into the output's rows at {@code dstOffset}:
         * each output row is the weighted sum of its input rows, accumulated a whole row at a time (the
         * same additions in the same order as one column at a time, in consecutive memory); {@code dst}
         * holds zeros there.
         */
        void applyToRows(float[] src, int width, float[] dst, int dstOffset) {
            for (int o = 0; o < start.length; o++) {
                float[] w = weights[o];
                int to = dstOffset + o * width;
                for (int k = 0; k < w.length; k++) {
                    float weight = w[k];
                    int from = (start[o] + k) * width;
                    for (int x = 0; x < width; x++) {
                        dst[to + x] += weight * src[from + x];
                    }
                }
            }
        }
    }
}
