package dev.stfpm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.BadInputException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PngDecoder} against ImageIO's PNG reader, on PNGs this test encodes itself so that every row
 * filter, chunk layout and refusal is exercised: the PNG specification's filters transcribed
 * (section 9.2), pixels from a small alphabet so the Paeth predictor's ties occur.
 */
class PngDecoderTest {

    private static final int GREY = 0;
    private static final int RGB = 2;
    private static final int RGBA = 6;

    @Test
    void decodesAsImageIoDoesWithEveryFilter() throws IOException {
        Random random = new Random(42);
        for (int trial = 0; trial < 60; trial++) {
            int colourType = new int[] {GREY, RGB, RGBA}[trial % 3];
            int width = 1 + random.nextInt(trial < 6 ? 2 : 40);
            int height = 1 + random.nextInt(trial < 6 ? 2 : 40);
            byte[] samples = new byte[width * height * channels(colourType)];
            boolean ties = trial % 2 == 0;
            for (int i = 0; i < samples.length; i++) {
                samples[i] = (byte) (ties ? new int[] {0, 1, 2, 128, 255}[random.nextInt(5)] : random.nextInt(256));
            }
            int[] filters = random.ints(height, 0, 5).toArray();
            byte[] png = new Png(width, height, colourType, samples, filters).idatChunks(1 + random.nextInt(3))
                    .chunk("tEXt", "Comment\0test".getBytes(StandardCharsets.ISO_8859_1)).chunk("iTXt", iTXt(0))
                    .chunk("gAMA", new byte[] {0, 0, (byte) 0xb1, (byte) 0x8f}).chunk("pHYs", new byte[9])
                    .chunk("sBIT", new byte[] {8, 8, 8, 8}, channels(colourType))
                    .chunk("bKGD", new byte[6], colourType == GREY ? 2 : 6).encode();

            BufferedImage ours = PngDecoder.decode(png);
            BufferedImage imageIo = ImageIO.read(new ByteArrayInputStream(png));
            String what = "trial " + trial + ": " + width + "x" + height + " colour type " + colourType;
            assertThat(ours).as(what).isNotNull();
            assertThat(ours.getType()).as(what).isEqualTo(imageIo.getType());
            assertThat(ours.getWidth()).as(what).isEqualTo(width);
            assertThat(ours.getHeight()).as(what).isEqualTo(height);
            assertThat(pixels(ours)).as(what).isEqualTo(pixels(imageIo));
        }
    }

    @Test
    @Timeout(10)
    void leavesEveryOtherKindOfFileToImageIo() throws IOException {
        byte[] rgb = {10, 20, 30, 40, 50, 60};
        int[] none = {0};
        assertThat(PngDecoder.decode(new Png(2, 1, RGB, rgb, none).encode())).isNotNull();

        assertThat(PngDecoder.decode(new Png(2, 1, RGB, rgb, none).bitDepth(16).encode())).as("16 bits").isNull();
        assertThat(PngDecoder.decode(new Png(2, 1, 3, new byte[] {0, 0}, none).encode())).as("palette").isNull();
        assertThat(PngDecoder.decode(new Png(1, 1, 4, new byte[] {1, 2}, none).encode())).as("grey and alpha").isNull();
        assertThat(PngDecoder.decode(new Png(2, 1, RGB, rgb, none).interlace(1).encode())).as("interlaced").isNull();
        assertThat(PngDecoder.decode(new Png(2, 1, RGB, rgb, none).chunk("tRNS", new byte[6]).encode()))
                .as("transparency").isNull();
        assertThat(PngDecoder.decode(new Png(2, 1, RGB, rgb, none).chunk("iCCP", new byte[4]).encode()))
                .as("ICC profile").isNull();
        assertThat(PngDecoder.decode(new Png(2, 1, RGB, rgb, none).chunk("prVt", new byte[4]).encode()))
                .as("unknown chunk").isNull();
        assertThat(PngDecoder.decode(new Png(2, 1, RGB, rgb, new int[] {5}).encode())).as("filter type 5").isNull();
        assertThat(PngDecoder.decode(new Png(2, 2, RGB, new byte[12], new int[] {0, 0}).idatChunks(2)
                .chunkBetweenIdats("tEXt", new byte[] {'a', 0}).encode())).as("IDAT chunks apart").isNull();

        byte[] whole = new Png(2, 1, RGB, rgb, none).encode();
        assertThat(PngDecoder.decode(Arrays.copyOf(whole, whole.length - 12))).as("no IEND").isNull();
        assertThat(PngDecoder.decode(Arrays.copyOf(whole, 20))).as("cut in IHDR").isNull();
        byte[] shortData = new Png(2, 2, RGB, new byte[12], new int[] {0, 0}).rowsMissing(1).encode();
        assertThat(PngDecoder.decode(shortData)).as("a row missing").isNull();
        assertThat(PngDecoder.decode(new Png(2, 1, RGB, rgb, none).chunk("gAMA", new byte[5]).encode()))
                .as("gAMA of 5 bytes").isNull();
        assertThat(PngDecoder.decode(new Png(2, 1, RGB, rgb, none).chunk("bKGD", new byte[2]).encode()))
                .as("grey bKGD in an RGB image").isNull();
        assertThat(PngDecoder.decode(new Png(2, 1, RGB, rgb, none).chunk("tEXt", new byte[] {'k', 'e', 'y'}).encode()))
                .as("tEXt keyword without its zero").isNull();
        assertThat(PngDecoder.decode(new Png(2, 1, RGB, rgb, none).chunk("iTXt", iTXt(1)).encode()))
                .as("compressed iTXt").isNull();
        assertThat(PngDecoder.decode(new Png(2, 1, RGB, rgb, none).chunk("iTXt", "k\0\0\0en".getBytes(
                StandardCharsets.ISO_8859_1)).encode())).as("iTXt without its translated keyword").isNull();
        byte[] dictionary = new Png(2, 1, RGB, rgb, none).presetDictionary().encode();
        assertThat(PngDecoder.decode(dictionary)).as("zlib stream with a preset dictionary (it looped)").isNull();
        byte[] badLength = whole.clone();
        badLength[33] = 0x7f; // the length of the chunk after IHDR
        assertThat(PngDecoder.decode(badLength)).as("chunk longer than the file").isNull();
    }

    @Test
    void imageFilesGivesTheSameImagesEitherWay(@TempDir Path dir) throws IOException {
        Random random = new Random(7);
        byte[] samples = new byte[50 * 30 * 3];
        random.nextBytes(samples);
        byte[] fast = new Png(50, 30, RGB, samples, random.ints(30, 0, 5).toArray()).encode();
        byte[] sixteenBits = new Png(50, 30, RGB, new byte[50 * 30 * 6], new int[30]).bitDepth(16).encode();
        for (byte[] png : new byte[][] {fast, sixteenBits}) {
            Path file = dir.resolve("image.png");
            Files.write(file, png);
            BufferedImage imageIo = ImageIO.read(file.toFile());
            for (BufferedImage read : new BufferedImage[] {ImageFiles.read(file, "image"),
                ImageFiles.read(file, "image", 64, 64), ImageFiles.read(png, "image.png", "image", 64, 64)}) {
                assertThat(read.getType()).isEqualTo(imageIo.getType());
                assertThat(read.getRaster().getDataElements(0, 0, 50, 30, null))
                        .isEqualTo(imageIo.getRaster().getDataElements(0, 0, 50, 30, null));
            }
            // subsampled: ImageIO's reader, every other pixel
            assertThat(ImageFiles.read(file, "image", 25, 15).getWidth()).isEqualTo(25);
        }
        // pixels intact, metadata malformed: refused as ImageIO's metadata parser refuses it
        Path badGamma = dir.resolve("bad-gamma.png");
        Files.write(badGamma, new Png(50, 30, RGB, samples, new int[30]).chunk("gAMA", new byte[5]).encode());
        assertThatThrownBy(() -> ImageFiles.read(badGamma, "image")).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(badGamma + ": cannot decode image");
    }

    /** An iTXt chunk's data: keyword, compression flag and method, language tag, translated keyword, text. */
    private static byte[] iTXt(int compressed) {
        return ("XML:com.adobe.xmp\0" + (char) compressed + "\0en\0\0<x:xmpmeta/>").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int channels(int colourType) {
        return switch (colourType) {
            case GREY -> 1;
            case RGB -> 3;
            case RGBA -> 4;
            case 4 -> 2;
            default -> 1;
        };
    }

    private static byte[] pixels(BufferedImage image) {
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }

    /** A PNG encoder for tests: the given filter per row, the image data split over several IDAT chunks. */
    private static final class Png {
        private final int width;
        private final int height;
        private final int colourType;
        private final byte[] samples;
        private final int[] filters;
        private int bitDepth = 8;
        private int interlace;
        private int idatChunks = 1;
        private int rowsMissing;
        private boolean presetDictionary;
        private final ByteArrayOutputStream extra = new ByteArrayOutputStream();
        private byte[] between;

        Png(int width, int height, int colourType, byte[] samples, int[] filters) {
            this.width = width;
            this.height = height;
            this.colourType = colourType;
            this.samples = samples;
            this.filters = filters;
        }

        Png bitDepth(int bits) {
            bitDepth = bits;
            return this;
        }

        Png interlace(int method) {
            interlace = method;
            return this;
        }

        Png idatChunks(int n) {
            idatChunks = n;
            return this;
        }

        Png rowsMissing(int n) {
            rowsMissing = n;
            return this;
        }

        Png presetDictionary() {
            presetDictionary = true;
            return this;
        }

        Png chunk(String type, byte[] data) {
            writeChunk(extra, type, data);
            return this;
        }

        /** The chunk with the first {@code length} bytes of {@code data}. */
        Png chunk(String type, byte[] data, int length) {
            return chunk(type, Arrays.copyOf(data, length));
        }

        Png chunkBetweenIdats(String type, byte[] data) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            writeChunk(out, type, data);
            between = out.toByteArray();
            return this;
        }

        byte[] encode() {
            int bpp = Math.max(1, channels(colourType) * bitDepth / 8);
            int rowBytes = (width * channels(colourType) * bitDepth + 7) / 8;
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            for (int y = 0; y < height - rowsMissing; y++) {
                raw.write(filters[y]);
                for (int i = 0; i < rowBytes; i++) {
                    int x = sample(y, i, rowBytes);
                    int a = i >= bpp ? sample(y, i - bpp, rowBytes) : 0;
                    int b = y > 0 ? sample(y - 1, i, rowBytes) : 0;
                    int c = i >= bpp && y > 0 ? sample(y - 1, i - bpp, rowBytes) : 0;
                    int prediction = switch (filters[y]) {
                        case 1 -> a;
                        case 2 -> b;
                        case 3 -> (a + b) / 2;
                        case 4 -> paeth(a, b, c);
                        default -> 0;
                    };
                    raw.write(x - prediction);
                }
            }
            Deflater deflater = new Deflater();
            if (presetDictionary) {
                deflater.setDictionary(new byte[] {10, 20, 30});
            }
            deflater.setInput(raw.toByteArray());
            deflater.finish();
            byte[] buffer = new byte[raw.size() * 2 + 64];
            int compressed = deflater.deflate(buffer);
            deflater.end();

            ByteArrayOutputStream png = new ByteArrayOutputStream();
            png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            byte[] ihdr = {0, 0, 0, 0, 0, 0, 0, 0, (byte) bitDepth, (byte) colourType, 0, 0, (byte) interlace};
            putInt(ihdr, 0, width);
            putInt(ihdr, 4, height);
            writeChunk(png, "IHDR", ihdr);
            png.writeBytes(extra.toByteArray());
            int per = (compressed + idatChunks - 1) / idatChunks;
            for (int i = 0, from = 0; i < idatChunks; i++, from += per) {
                if (i > 0 && between != null) {
                    png.writeBytes(between);
                }
                writeChunk(png, "IDAT", Arrays.copyOfRange(buffer, Math.min(from, compressed),
                        Math.min(from + per, compressed)));
            }
            writeChunk(png, "IEND", new byte[0]);
            return png.toByteArray();
        }

        private int sample(int y, int i, int rowBytes) {
            return y * rowBytes + i < samples.length ? samples[y * rowBytes + i] & 0xff : 0;
        }

        /** The specification's Paeth predictor, as it writes it. */
        private static int paeth(int a, int b, int c) {
            int p = a + b - c;
            int pa = Math.abs(p - a);
            int pb = Math.abs(p - b);
            int pc = Math.abs(p - c);
            if (pa <= pb && pa <= pc) {
                return a;
            }
            return pb <= pc ? b : c;
        }

        private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
            byte[] length = new byte[4];
            putInt(length, 0, data.length);
            out.writeBytes(length);
            byte[] typeAndData = new byte[4 + data.length];
            System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, typeAndData, 0, 4);
            System.arraycopy(data, 0, typeAndData, 4, data.length);
            out.writeBytes(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            byte[] sum = new byte[4];
            putInt(sum, 0, (int) crc.getValue());
            out.writeBytes(sum);
        }

        private static void putInt(byte[] b, int at, int v) {
            b[at] = (byte) (v >>> 24);
            b[at + 1] = (byte) (v >>> 16);
            b[at + 2] = (byte) (v >>> 8);
            b[at + 3] = (byte) v;
        }
    }
}
