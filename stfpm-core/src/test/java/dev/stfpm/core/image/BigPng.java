package dev.stfpm.core.image;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes large 8-bit PNGs row by row, in constant memory, for the large-image tests: smooth
 * content (a diagonal gradient with soft bands) that compresses to a few hundred KB even at
 * 16000 × 16000. Rows use PNG's "Up" filter, so rows that repeat the one above cost almost nothing.
 */
final class BigPng {

    private BigPng() {
    }

    /**
     * @param file   the file to write
     * @param width  pixels per row
     * @param height rows
     * @param rgb    RGB (colour type 2) or grey (colour type 0)
     */
    static void write(Path file, int width, int height, boolean rgb) throws IOException {
        int channels = rgb ? 3 : 1;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(ihdr);
            h.writeInt(width);
            h.writeInt(height);
            h.write(new byte[] {8, (byte) (rgb ? 2 : 0), 0, 0, 0});
            chunk(out, "IHDR", ihdr.toByteArray());
            ChunkStream idat = new ChunkStream(out);
            Deflater deflater = new Deflater(Deflater.BEST_SPEED);
            try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
                byte[] previous = new byte[width * channels];
                byte[] row = new byte[width * channels];
                byte[] filtered = new byte[width * channels + 1];
                filtered[0] = 2; // Up
                for (int y = 0; y < height; y++) {
                    if (y == 0 || y % 256 == 0) {
                        fill(row, width, channels, y, height);
                    }
                    for (int i = 0; i < row.length; i++) {
                        filtered[i + 1] = (byte) (row[i] - previous[i]);
                    }
                    z.write(filtered);
                    byte[] t = previous;
                    previous = row;
                    row = t;
                    System.arraycopy(previous, 0, row, 0, row.length);
                }
            } finally {
                deflater.end();
            }
            chunk(out, "IEND", new byte[0]);
        }
    }

    /** Writes only a PNG's header (no pixel data): enough for ImageIO to report its size. */
    static void writeHeaderOnly(Path file, int width, int height) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(ihdr);
            h.writeInt(width);
            h.writeInt(height);
            h.write(new byte[] {8, 2, 0, 0, 0});
            chunk(out, "IHDR", ihdr.toByteArray());
            chunk(out, "IEND", new byte[0]);
        }
    }

    private static void fill(byte[] row, int width, int channels, int y, int height) {
        for (int x = 0; x < width; x++) {
            for (int c = 0; c < channels; c++) {
                double v = 128 + 90 * Math.sin((x + (c + 1) * y) * 6.0 / width) * Math.cos(y * 3.0 / height + c);
                row[x * channels + c] = (byte) Math.round(v);
            }
        }
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        out.writeInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    /** Splits what is written into IDAT chunks of at most 64 KiB. */
    private static final class ChunkStream extends OutputStream {
        private final DataOutputStream out;
        private final byte[] buf = new byte[1 << 16];
        private int n;

        ChunkStream(DataOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int k = Math.min(len, buf.length - n);
                System.arraycopy(b, off, buf, n, k);
                n += k;
                off += k;
                len -= k;
                if (n == buf.length) {
                    flush();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            if (n > 0) {
                byte[] data = java.util.Arrays.copyOf(buf, n);
                chunk(out, "IDAT", data);
                n = 0;
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
