package dev.stfpm.core.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the PNG files data sets mostly hold &mdash; 8-bit grey, RGB or RGBA, not interlaced &mdash;
 * into the same {@link BufferedImage} as ImageIO's PNG reader, in about four fifths of its time, three
 * quarters in a fresh process (bottle's 900×900 RGB images: 16.4–18.6 ms against 20.4–22.5 ms warm, 25–35 ms against 38–43 ms in a
 * fresh process; docs/DESIGN.md, "Decoding PNG"). ImageIO's reader inflates through its stream
 * classes and copies every row into its raster; this class inflates the image data in one call to
 * the JDK's zlib ({@link Inflater}) and undoes the row filters in place (PNG specification, section
 * 9).
 *
 * <p>It only takes files whose every chunk it understands: {@link #decode} returns {@code null} for
 * any other file (other bit depths and colour types, interlacing, a palette, transparency, an ICC
 * profile, an unknown chunk) and for any file it finds damaged, so that ImageIO decodes it, or names
 * the problem, as it always has. The result has ImageIO's types: {@code TYPE_BYTE_GRAY}, {@code
 * TYPE_3BYTE_BGR} and {@code TYPE_4BYTE_ABGR}. {@code PngDecoderTest} compares the two on random
 * images using every row filter.
 */
final class PngDecoder {

    /** The eight bytes every PNG file starts with. */
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** The signature and the whole IHDR chunk: what {@link #header} needs. */
    static final int HEADER_BYTES = 33;
    /** The most bytes deflate makes of one (a 258-byte match in under two bits, RFC 1951). */
    private static final long DEFLATE_MAX_RATIO = 1032;
    private static final int IHDR = type("IHDR");
    private static final int IDAT = type("IDAT");
    private static final int IEND = type("IEND");
    private static final int ITXT = type("iTXt");
    /**
     * Ancillary chunks that do not change the pixels ImageIO's reader returns, with the length the
     * specification gives each (for bKGD and sBIT, per colour type: grey, RGB, RGBA), or -1 for the
     * text chunks, whose structure {@link #wellFormedText} checks.
     */
    private static final Map<Integer, int[]> HARMLESS = Map.of(
            type("gAMA"), new int[] {4, 4, 4}, type("cHRM"), new int[] {32, 32, 32},
            type("sRGB"), new int[] {1, 1, 1}, type("pHYs"), new int[] {9, 9, 9}, type("tIME"), new int[] {7, 7, 7},
            type("bKGD"), new int[] {2, 6, 6}, type("sBIT"), new int[] {1, 3, 4},
            type("tEXt"), new int[] {-1, -1, -1}, type("iTXt"), new int[] {-1, -1, -1});

    private PngDecoder() {
    }

    /** What the IHDR chunk of a PNG this class decodes says: its size and samples per pixel (1, 3 or 4). */
    record Header(int width, int height, int channels) {
    }

    /**
     * Reads the header of a PNG file this class can decode.
     *
     * @param start the file's first bytes (at least {@link #HEADER_BYTES} of them for a result)
     * @return the header, or {@code null} if the bytes are not the start of such a file
     */
    static Header header(byte[] start) {
        if (start.length < HEADER_BYTES) {
            return null;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (start[i] != SIGNATURE[i]) {
                return null;
            }
        }
        if (int32(start, 8) != 13 || int32(start, 12) != IHDR) {
            return null;
        }
        int width = int32(start, 16);
        int height = int32(start, 20);
        int bitDepth = start[24];
        int colourType = start[25];
        int channels = switch (colourType) {
            case 0 -> 1; // grey
            case 2 -> 3; // RGB
            case 6 -> 4; // RGBA
            default -> 0; // palette, grey with alpha: ImageIO's
        };
        // compression, filter method and interlacing: start[26..28], all 0 for a plain PNG
        if (width < 1 || height < 1 || bitDepth != 8 || channels == 0 || start[26] != 0 || start[27] != 0
                || start[28] != 0 || ((long) width * channels + 1) * ((long) height + 1) > Integer.MAX_VALUE - 8) {
            return null;
        }
        return new Header(width, height, channels);
    }

    /**
     * Decodes a whole PNG file.
     *
     * @param png the file's bytes
     * @return the image as ImageIO's PNG reader returns it, or {@code null} if this class does not
     *         decode such a file or finds it damaged
     */
    static BufferedImage decode(byte[] png) {
        Header header = header(png);
        if (header == null) {
            return null;
        }
        int rowBytes = header.width() * header.channels();
        if ((long) png.length * DEFLATE_MAX_RATIO < (long) (rowBytes + 1) * header.height()) {
            return null; // too small to hold the image: damaged, and not worth allocating its rows for
        }
        // a row of zeros (the one above the image), then each row: its filter type, then its bytes
        byte[] rows = new byte[(rowBytes + 1) * (header.height() + 1)];
        if (!inflateImageData(png, rows, rowBytes + 1, header.channels())) {
            return null;
        }
        if (!unfilter(rows, rowBytes, header.channels())) {
            return null;
        }
        return toImageIoLayout(rows, header);
    }

    /**
     * Walks the chunks after IHDR and inflates the IDAT chunks' data into {@code rows} from {@code from} on.
     *
     * @return whether every chunk is one this class understands and well formed, the IDAT chunks are
     *         consecutive and hold exactly the image's rows, and IEND ends the file
     */
    private static boolean inflateImageData(byte[] png, byte[] rows, int from, int channels) {
        Inflater inflater = new Inflater();
        try {
            int inflated = from;
            boolean seenData = false;
            boolean dataDone = false;
            int at = HEADER_BYTES; // the first chunk after IHDR
            while (at <= png.length - 12) {
                int length = int32(png, at);
                int type = int32(png, at + 4);
                if (length < 0 || length > png.length - at - 12) {
                    return false;
                }
                if (type == IDAT) {
                    if (dataDone) {
                        return false; // IDAT chunks must be consecutive
                    }
                    seenData = true;
                    inflater.setInput(png, at + 8, length);
                    while (!inflater.finished() && inflated < rows.length) {
                        int n = inflater.inflate(rows, inflated, rows.length - inflated);
                        if (n == 0) {
                            if (inflater.needsInput()) {
                                break; // on to the next IDAT chunk
                            }
                            return false; // it wants a preset dictionary, which PNG does not allow
                        }
                        inflated += n;
                    }
                } else if (type == IEND) {
                    return seenData && inflated == rows.length;
                } else if (HARMLESS.containsKey(type)) {
                    int expected = HARMLESS.get(type)[channels == 1 ? 0 : channels == 3 ? 1 : 2];
                    if (expected >= 0 ? length != expected : !wellFormedText(png, at + 8, length, type)) {
                        return false; // ImageIO's metadata parser refuses it, or might
                    }
                    dataDone = seenData;
                } else {
                    return false;
                }
                at += length + 12;
            }
            return false; // no IEND
        } catch (DataFormatException e) {
            return false;
        } finally {
            inflater.end();
        }
    }

    /**
     * Whether a text chunk is as the specification lays it out, so that ImageIO's metadata parser (which
     * reads every chunk of a file) takes it: a keyword of 1 to 79 bytes ended by a zero byte; for iTXt
     * then an uncompressed flag and method (a compressed text is left to ImageIO, which inflates it) and
     * the language tag and translated keyword, each ended by a zero byte.
     */
    private static boolean wellFormedText(byte[] png, int from, int length, int type) {
        int end = from + length;
        int at = zeroAfter(png, from, Math.min(end, from + 80));
        if (at <= from) {
            return false; // no keyword, or none ended within 80 bytes
        }
        if (type != ITXT) {
            return true;
        }
        at += 3; // the keyword's zero, the compression flag and method
        if (at > end || png[at - 2] != 0 || png[at - 1] != 0) {
            return false;
        }
        at = zeroAfter(png, at, end); // language tag
        return at >= 0 && zeroAfter(png, at + 1, end) >= 0; // translated keyword
    }

    /** The index of the first zero byte of {@code png[from, to)}, or -1. */
    private static int zeroAfter(byte[] png, int from, int to) {
        for (int i = from; i < to; i++) {
            if (png[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Undoes the row filters in place (PNG specification, section 9.2): each byte was stored as its
     * difference from a prediction made from its left neighbour {@code a} (the same sample of the
     * previous pixel), the byte above {@code b} and the byte above-left {@code c}, all 0 outside the
     * image; {@code rows} starts with a row of zeros, the one above the image. One small method per
     * filter, so that the JIT compiler compiles each loop soon and once (as one method with every loop,
     * it was compiled three times over, 0.75 s of a {@code predict}'s compiling).
     *
     * @return whether every row's filter type is one of the five the specification defines
     */
    private static boolean unfilter(byte[] rows, int rowBytes, int bpp) {
        int stride = rowBytes + 1;
        for (int start = stride + 1; start < rows.length; start += stride) {
            int end = start + rowBytes;
            switch (rows[start - 1]) {
                case 0 -> { // None
                }
                case 1 -> sub(rows, start, end, bpp);
                case 2 -> up(rows, start, end, stride);
                case 3 -> average(rows, start, end, bpp, stride);
                case 4 -> paeth(rows, start, end, bpp, stride);
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /** Sub: the prediction is {@code a}. */
    private static void sub(byte[] rows, int start, int end, int bpp) {
        for (int i = start + bpp; i < end; i++) {
            rows[i] += rows[i - bpp];
        }
    }

    /** Up: the prediction is {@code b}. */
    private static void up(byte[] rows, int start, int end, int stride) {
        for (int i = start; i < end; i++) {
            rows[i] += rows[i - stride];
        }
    }

    /** Average: the prediction is {@code floor((a + b) / 2)}. */
    private static void average(byte[] rows, int start, int end, int bpp, int stride) {
        for (int i = start; i < start + bpp; i++) {
            rows[i] += (byte) ((rows[i - stride] & 0xff) >> 1);
        }
        for (int i = start + bpp; i < end; i++) {
            rows[i] += (byte) (((rows[i - bpp] & 0xff) + (rows[i - stride] & 0xff)) >> 1);
        }
    }

    /** Paeth: the prediction is whichever of {@code a}, {@code b}, {@code c} is nearest to {@code a + b - c}. */
    private static void paeth(byte[] rows, int start, int end, int bpp, int stride) {
        for (int i = start; i < start + bpp; i++) { // a = c = 0: the prediction is b
            rows[i] += rows[i - stride];
        }
        for (int i = start + bpp; i < end; i++) {
            rows[i] += (byte) paethPredictor(rows[i - bpp] & 0xff, rows[i - stride] & 0xff,
                    rows[i - stride - bpp] & 0xff);
        }
    }

    /**
     * The Paeth predictor: of {@code a}, {@code b} and {@code c}, the one nearest to {@code p = a + b -
     * c}, preferring {@code a}, then {@code b}, on ties. Written as stb_image writes it, without
     * branches (they would mispredict, as the choice depends on the data) and with a short chain of
     * operations from {@code a}, which the previous pixel's result feeds. It comes to comparing {@code
     * t = 3c - (a + b)} with {@code a} and {@code b}: at or below both, the prediction is the larger of
     * them; otherwise at or above both, the smaller; strictly between them, {@code c}.
     * {@code PngDecoderTest} holds it to the specification's form on data with ties.
     */
    private static int paethPredictor(int a, int b, int c) {
        int t = 3 * c - (a + b);
        int lo = Math.min(a, b);
        int hi = Math.max(a, b);
        int loOrC = lo ^ ((lo ^ c) & ((t - hi) >> 31)); // hi > t: c, else lo
        return hi ^ ((hi ^ loOrC) & ((lo - t) >> 31)); // t > lo: loOrC, else hi
    }

    /** The unfiltered rows in the raster ImageIO's reader returns: grey as is, RGB as BGR, RGBA as ABGR. */
    private static BufferedImage toImageIoLayout(byte[] rows, Header header) {
        int channels = header.channels();
        BufferedImage image = new BufferedImage(header.width(), header.height(), switch (channels) {
            case 1 -> BufferedImage.TYPE_BYTE_GRAY;
            case 3 -> BufferedImage.TYPE_3BYTE_BGR;
            default -> BufferedImage.TYPE_4BYTE_ABGR;
        });
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int rowBytes = header.width() * channels;
        for (int y = 0, from = rowBytes + 2, to = 0; y < header.height(); y++, from += rowBytes + 1, to += rowBytes) {
            if (channels == 1) {
                System.arraycopy(rows, from, pixels, to, rowBytes);
            } else {
                for (int i = 0; i < rowBytes; i += channels) {
                    for (int k = 0; k < channels; k++) { // sample k of the pixel goes to the reversed position
                        pixels[to + i + channels - 1 - k] = rows[from + i + k];
                    }
                }
            }
        }
        return image;
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /** A chunk type's four ASCII letters as the big-endian integer {@link #int32} reads. */
    private static int type(String name) {
        return int32(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0);
    }
}
