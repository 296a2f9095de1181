package dev.stfpm.core.image;

import dev.stfpm.core.BadInputException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image files &mdash; photographs, ground-truth masks, TIFF anomaly maps &mdash; with ImageIO
 * (PNG, JPEG, BMP, TIFF, GIF). This is the one place image files are decoded. The PNGs data sets mostly
 * hold (8-bit grey, RGB or RGBA, not interlaced) are decoded by {@link PngDecoder} instead, to the same
 * image in less time; every other file, and any PNG that class refuses, goes to ImageIO.
 *
 * <p>JPEGs are decoded by TwelveMonkeys' {@code imageio-jpeg} plugin (a dependency of this module,
 * registered with ImageIO through the service loader), which converts CMYK and YCCK JPEGs to RGB:
 * through the embedded ICC profile when there is one, otherwise as browsers and Pillow do
 * ({@code R = (255 - C)(255 - K) / 255}, after undoing Adobe's inversion). The JDK's own reader
 * returns the raw C, M, Y, K samples instead, which read as a colour negative. Ordinary YCbCr and
 * greyscale JPEGs decode to the same pixels as with the JDK's reader (TwelveMonkeys delegates the
 * decoding to it).
 *
 * <p>Size is checked before decoding, from the header: images wider or taller than {@link #MAX_SIDE}
 * or with more than {@link #MAX_PIXELS} pixels are refused. {@link #read(Path, String, int, int)}
 * decodes a large image with source subsampling (every n-th pixel and row), so its raster stays
 * small whatever the file's size; {@link #read(Path, String)} decodes at full resolution and refuses
 * an image whose raster plus a float RGB copy of it (12 bytes a pixel, as {@link
 * ImagePreprocessor#toRgb} makes) would take more than half the heap: with {@code -Xmx2g} that is
 * roughly 8400 × 8400 RGB or 9000 × 9000 grey pixels.
 *
 * <p>Every failure is a {@link BadInputException} whose message starts with the file and says what
 * it should have been.
 */
public final class ImageFiles {

    /** The widest or tallest image accepted, in pixels. */
    public static final int MAX_SIDE = 65_536;
    /** The most pixels an image may have (2<sup>30</sup>, about a gigapixel: 32768 × 32768). */
    public static final long MAX_PIXELS = 1L << 30;

    /** Bytes a pixel takes as RGB floats, as callers of a full read ({@code toRgb}) convert it. */
    private static final long FLOAT_RGB_BYTES = 12;

    private ImageFiles() {
    }

    /** The size of an image, read from its header. */
    public record Size(int width, int height) {
    }

    /**
     * Reads an image's width and height from its header, without decoding its pixels (and without
     * checking them against the limits).
     *
     * @param file the file
     * @param what what the file holds, in words for the error message
     * @return its size
     * @throws BadInputException if the file is missing, unreadable or not an image ImageIO reads
     */
    public static Size size(Path file, String what) throws IOException {
        return decode(file, what, 0, 0, true).size;
    }

    /**
     * Decodes one image file at full resolution (masks and anomaly maps need every pixel).
     *
     * @param file the file
     * @param what what the file holds, in words for the error message ({@code "image"}, {@code
     *             "ground-truth mask"}, {@code "anomaly map"})
     * @return the decoded image
     * @throws BadInputException if the file is missing, unreadable, not in a format ImageIO
     *                           decodes, larger than {@link #MAX_SIDE} or {@link #MAX_PIXELS}, or
     *                           too large to decode and convert in half the heap
     */
    public static BufferedImage read(Path file, String what) throws IOException {
        return decode(file, what, 0, 0, false).image;
    }

    /**
     * Decodes one image file, subsampled if it is larger than needed: when the image is wider than
     * {@code maxWidth}, only every {@code ceil(width / maxWidth)}-th column is decoded, and likewise
     * for rows, so the result is at most {@code maxWidth × maxHeight} and the memory taken does not
     * grow with the file's size. An image that fits is decoded in full, as by {@link #read(Path,
     * String)}. Subsampling picks pixels rather than averaging them: callers that resize the result
     * with an antialiasing filter should ask for a few times the size they need.
     *
     * @param file      the file
     * @param what      what the file holds, in words for the error message
     * @param maxWidth  the widest result wanted
     * @param maxHeight the tallest result wanted
     * @return the decoded, possibly subsampled, image
     * @throws BadInputException if the file is missing, unreadable, not in a format ImageIO
     *                           decodes, or larger than {@link #MAX_SIDE} or {@link #MAX_PIXELS}
     */
    public static BufferedImage read(Path file, String what, int maxWidth, int maxHeight) throws IOException {
        if (maxWidth < 1 || maxHeight < 1) {
            throw new IllegalArgumentException("maximum size must be positive: " + maxWidth + "x" + maxHeight);
        }
        return decode(file, what, maxWidth, maxHeight, false).image;
    }

    /**
     * Decodes an image held in memory (an upload, a row of a data set of files) as {@link #read(Path,
     * String, int, int)} decodes a file: the same limits, subsampling and messages.
     *
     * @param bytes     the encoded image
     * @param source    what to call it in a message: its file name or path
     * @param what      what it holds, in words for the error message
     * @param maxWidth  the widest result wanted
     * @param maxHeight the tallest result wanted
     * @return the decoded, possibly subsampled, image
     * @throws BadInputException if the bytes are not in a format ImageIO decodes, or the image is
     *                           larger than {@link #MAX_SIDE} or {@link #MAX_PIXELS}
     */
    public static BufferedImage read(byte[] bytes, String source, String what, int maxWidth, int maxHeight)
            throws IOException {
        if (maxWidth < 1 || maxHeight < 1) {
            throw new IllegalArgumentException("maximum size must be positive: " + maxWidth + "x" + maxHeight);
        }
        if (fits(PngDecoder.header(bytes), maxWidth, maxHeight, bytes.length)) {
            BufferedImage png = decodePng(bytes);
            if (png != null) {
                return png;
            }
        }
        return decode(() -> ImageIO.createImageInputStream(new ByteArrayInputStream(bytes)), source, what,
                maxWidth, maxHeight, false).image;
    }

    /** What {@link #decode} found: the size always, the image unless only the size was asked. */
    private record Decoded(Size size, BufferedImage image) {
    }

    /** Opens the stream an image is decoded from. */
    private interface Opener {
        ImageInputStream open() throws IOException;
    }

    private static Decoded decode(Path file, String what, int maxWidth, int maxHeight, boolean sizeOnly)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file.toString(), "no such " + what + " file");
        }
        if (!sizeOnly) {
            BufferedImage png = decodePng(file, maxWidth, maxHeight);
            if (png != null) {
                return new Decoded(new Size(png.getWidth(), png.getHeight()), png);
            }
        }
        return decode(() -> ImageIO.createImageInputStream(file.toFile()), file.toString(), what, maxWidth, maxHeight,
                sizeOnly);
    }

    private static Decoded decode(Opener opener, String source, String what, int maxWidth, int maxHeight,
                                  boolean sizeOnly) throws IOException {
        ImageReader reader = null;
        try (ImageInputStream in = opener.open()) {
            if (in == null) {
                throw new BadInputException(source, "cannot open the " + what + " file");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BadInputException(source, "not an image format ImageIO can read (" + what
                        + "; it reads PNG, JPEG, BMP, TIFF, GIF)");
            }
            reader = readers.next();
            reader.setInput(in);
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            if (w < 1 || h < 1) {
                throw new BadInputException(source, what + " has no pixels (" + w + "x" + h + ")");
            }
            Size size = new Size(w, h);
            if (sizeOnly) {
                return new Decoded(size, null);
            }
            if (w > MAX_SIDE || h > MAX_SIDE || (long) w * h > MAX_PIXELS) {
                throw new BadInputException(source, what + " is " + w + "x" + h + " pixels, larger than "
                        + "the limit of " + MAX_SIDE + " pixels a side and " + MAX_PIXELS + " pixels in all");
            }
            ImageReadParam param = reader.getDefaultReadParam();
            int sx = maxWidth > 0 ? ceilDiv(w, maxWidth) : 1;
            int sy = maxHeight > 0 ? ceilDiv(h, maxHeight) : 1;
            if (sx > 1 || sy > 1) {
                param.setSourceSubsampling(sx, sy, 0, 0);
            } else {
                long bytes = rasterBytes(reader, w, h) + FLOAT_RGB_BYTES * w * h;
                long heap = Runtime.getRuntime().maxMemory();
                if (bytes > heap / 2) {
                    throw new BadInputException(source, what + " is " + w + "x" + h + " pixels: decoding it in "
                            + "full and converting it takes about " + (bytes >> 20) + " MiB, more than half of the "
                            + (heap >> 20) + " MiB heap");
                }
            }
            BufferedImage img = reader.read(0, param);
            return new Decoded(size, img);
        } catch (BadInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(source, "cannot decode " + what + " (" + e.getMessage() + ")", e);
        } catch (OutOfMemoryError e) {
            // A last resort for formats whose readers buffer more than the raster (a TIFF strip):
            // the failed allocation was the large one, so the heap is usable again here.
            throw new BadInputException(source, what + " is too large to decode in memory (" + e.getMessage() + ")");
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
    }

    /**
     * Decodes a file with {@link PngDecoder} when it is a PNG of the kind that class decodes and fits
     * without subsampling or refusal.
     *
     * @return the image, or {@code null} for ImageIO to decode the file (or to say what is wrong with it)
     */
    private static BufferedImage decodePng(Path file, int maxWidth, int maxHeight) {
        try {
            byte[] start;
            try (InputStream in = Files.newInputStream(file)) {
                start = in.readNBytes(PngDecoder.HEADER_BYTES);
            }
            if (!fits(PngDecoder.header(start), maxWidth, maxHeight, Files.size(file))) {
                return null;
            }
            byte[] png = Files.readAllBytes(file);
            return fits(PngDecoder.header(png), maxWidth, maxHeight, png.length) ? decodePng(png) : null;
        } catch (IOException | OutOfMemoryError e) {
            return null; // ImageIO meets the same problem and names it
        }
    }

    /** {@link PngDecoder#decode}, with running out of memory left to ImageIO to report. */
    private static BufferedImage decodePng(byte[] png) {
        try {
            return PngDecoder.decode(png);
        } catch (OutOfMemoryError e) {
            return null;
        }
    }

    /**
     * Whether a PNG {@link PngDecoder} can decode is within the limits {@link #decode} applies, needs no
     * subsampling ({@code maxWidth} and {@code maxHeight} 0 for a full read) and is no larger than a
     * PNG of those pixels plausibly is (its whole file is read into memory).
     */
    private static boolean fits(PngDecoder.Header png, int maxWidth, int maxHeight, long fileBytes) {
        if (png == null) {
            return false;
        }
        long w = png.width();
        long h = png.height();
        long raw = (w * png.channels() + 1) * h;
        boolean subsample = maxWidth > 0 && (w > maxWidth || h > maxHeight);
        return w <= MAX_SIDE && h <= MAX_SIDE && w * h <= MAX_PIXELS && !subsample
                && raw + FLOAT_RGB_BYTES * w * h <= Runtime.getRuntime().maxMemory() / 2
                && fileBytes <= 2 * raw + (1 << 20);
    }

    /** Bytes of the raster a full decode allocates, from the reader's first image type. */
    private static long rasterBytes(ImageReader reader, int w, int h) throws IOException {
        long perPixel = 4;
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (types != null && types.hasNext()) {
            SampleModel sm = types.next().getSampleModel(1, 1);
            perPixel = Math.max(1, (long) sm.getNumDataElements() * DataBuffer.getDataTypeSize(sm.getDataType()) / 8);
        }
        return perPixel * w * h;
    }

    private static int ceilDiv(int a, int b) {
        return (int) ((a + (long) b - 1) / b);
    }
}
