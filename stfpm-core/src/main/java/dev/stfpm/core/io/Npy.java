package dev.stfpm.core.io;

import dev.stfpm.core.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads and writes NumPy {@code .npy} files and reads {@code .npz} archives.
 *
 * <p>Reading accepts little-endian (or, for one-byte types, byte-order-free) {@code float32},
 * {@code float64}, {@code (u)int8}, {@code (u)int16}, {@code (u)int32}, {@code int64} and
 * {@code bool} arrays in C order and converts them to {@code float}; big-endian files are refused. Writing always produces little-endian {@code float32} ({@code <f4}), the
 * format of every anomaly map this project writes. Malformed files (bad magic, negative or
 * oversized header length, truncated header or data, negative dimensions, a shape whose product
 * overflows or exceeds what the data holds) raise a {@link BadInputException} that names the file
 * and the problem; other {@link IOException}s are failures to read the file at all.
 */
public final class Npy {

    /**
     * The most bytes the arrays of an {@code .npz} read by {@link #readNpz(Path)} may take together
     * (1 GiB), so that a small archive that inflates to gigabytes is refused.
     */
    public static final long NPZ_LIMIT_BYTES = 1L << 30;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    /**
     * Longest header this reader accepts: 1 MiB. NumPy writes headers of a few hundred bytes (and
     * itself refuses headers over 10 000 bytes by default); a larger length is a corrupt file.
     */
    static final int MAX_HEADER_LENGTH = 1 << 20;
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * Reads one {@code .npy} file.
     *
     * @param file the file
     * @return its values as floats
     * @throws IOException if it cannot be read or is not a supported {@code .npy} array
     */
    public static NpyArray read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads every array of an {@code .npz} archive (a zip of {@code .npy} files, stored or
     * deflated) whose entries inflate to at most {@link #NPZ_LIMIT_BYTES} together.
     *
     * @param file the archive
     * @return the arrays by name, without the {@code .npy} suffix, in archive order
     * @throws IOException if it cannot be read or holds a malformed array
     */
    public static Map<String, NpyArray> readNpz(Path file) throws IOException {
        return readNpz(file, NPZ_LIMIT_BYTES);
    }

    /**
     * Reads every array of an {@code .npz} archive (a zip of {@code .npy} files, stored or
     * deflated).
     *
     * @param file     the archive
     * @param maxBytes the most bytes its entries may inflate to, together ({@link ZipBudget})
     * @return the arrays by name, without the {@code .npy} suffix, in archive order
     * @throws IOException if it cannot be read, holds a malformed array, or inflates to more than {@code maxBytes}
     */
    public static Map<String, NpyArray> readNpz(Path file, long maxBytes) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        ZipBudget budget = new ZipBudget(maxBytes, file.toString());
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e; (e = nextEntry(zip, file)) != null; ) {
                String name = e.getName();
                String key = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
                arrays.put(key, read(budget.entry(zip, name), file + ":" + name));
            }
        } catch (ZipException | EOFException e) {
            throw new BadInputException(file.toString(), "not a readable .npz archive (" + e.getMessage() + ")", e);
        }
        if (arrays.isEmpty()) {
            throw new BadInputException(file.toString(), "not an .npz archive (no arrays found)");
        }
        return arrays;
    }

    /**
     * The next entry of a zip archive. {@link ZipInputStream#getNextEntry} throws an {@link
     * IllegalArgumentException} for an entry name that is not valid UTF-8 (found by fuzzing): that
     * is malformed content, refused as such.
     *
     * @param zip  the archive
     * @param file the archive's file, named in the error message
     * @return the next entry, or null at the end
     * @throws IOException if the archive cannot be read or the entry is malformed
     */
    private static ZipEntry nextEntry(ZipInputStream zip, Path file) throws IOException {
        try {
            return zip.getNextEntry();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file.toString(), "not a readable zip archive (malformed entry name: "
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Parses one {@code .npy} stream.
     *
     * @param in     the stream, positioned at the magic string; read up to the end of the array
     * @param source a name for error messages
     * @return the array
     * @throws IOException if the stream is not a supported {@code .npy} array
     */
    public static NpyArray read(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8 || !startsWithMagic(magic)) {
            throw new BadInputException(source, "not a NumPy .npy file (bad magic string)");
        }
        int major = magic[6];
        long headerLen;
        if (major == 1) {
            byte[] b = readExactly(in, 2, source, "header length");
            headerLen = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] b = readExactly(in, 4, source, "header length");
            headerLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        } else {
            throw new BadInputException(source, "unsupported .npy format version " + major);
        }
        if (headerLen > MAX_HEADER_LENGTH) {
            throw new BadInputException(source, ".npy header length " + headerLen + " is over the limit of "
                    + MAX_HEADER_LENGTH + " bytes (a corrupt file?)");
        }
        byte[] headerBytes = in.readNBytes((int) headerLen);
        if (headerBytes.length != headerLen) {
            throw new BadInputException(source, "truncated .npy header, expected " + headerLen + " bytes, found "
                    + headerBytes.length);
        }
        String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, source, "descr");
        if ("True".equals(group(FORTRAN, header, source, "fortran_order"))) {
            throw new BadInputException(source, "Fortran-ordered arrays are not supported");
        }
        String shapeText = group(SHAPE, header, source, "shape");
        int[] shape = parseShape(shapeText, source);
        DType type = DType.parse(descr, source);
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new BadInputException(source, "negative dimension in shape (" + shapeText + ")");
            }
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new BadInputException(source, "shape (" + shapeText + ") holds more values than a long can count");
            }
        }
        if (count > (Integer.MAX_VALUE - 8) / type.size) {
            throw new BadInputException(source, "array of shape (" + shapeText + ") with " + count + " values is too large"
                    + " (at most " + (Integer.MAX_VALUE - 8) / type.size + " of type '" + descr + "')");
        }
        int bytes = (int) count * type.size;
        if (type == DType.F4) {
            return new NpyArray(shape, readFloat32(in, (int) count, source, shapeText, descr));
        }
        byte[] raw = in.readNBytes(bytes);
        if (raw.length != bytes) {
            throw truncated(source, shapeText, descr, bytes, raw.length);
        }
        return new NpyArray(shape, type.toFloats(raw, (int) count));
    }

    /**
     * Reads {@code n} little-endian float32 values straight into the result, a piece at a time, without
     * a copy of the whole data as bytes (a model file's networks are 11 MB each). The result grows as
     * values arrive, from at most {@link #FIRST_FLOATS}, so that a small file whose header claims a
     * huge array is refused as truncated instead of allocating it.
     */
    private static float[] readFloat32(InputStream in, int n, String source, String shapeText, String descr)
            throws IOException {
        float[] out = new float[Math.min(n, FIRST_FLOATS)];
        byte[] piece = new byte[Math.min(n, 1 << 16) * Float.BYTES];
        for (int done = 0; done < n; ) {
            int want = Math.min(n - done, piece.length / Float.BYTES);
            int got = in.readNBytes(piece, 0, want * Float.BYTES);
            if (got != want * Float.BYTES) {
                throw truncated(source, shapeText, descr, (long) n * Float.BYTES, (long) done * Float.BYTES + got);
            }
            if (done + want > out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, 2L * out.length));
            }
            ByteBuffer.wrap(piece, 0, got).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out, done, want);
            done += want;
        }
        return out;
    }

    /** Floats allocated before any arrive (16 MiB; a model file's networks, 11 MB each, fit). */
    private static final int FIRST_FLOATS = 1 << 22;

    private static BadInputException truncated(String source, String shapeText, String descr, long needed, long found) {
        return new BadInputException(source, "truncated data: shape (" + shapeText.trim() + ") of '" + descr
                + "' needs " + needed + " bytes, found " + found);
    }

    /** Reads exactly {@code n} bytes or fails naming what was cut short. */
    private static byte[] readExactly(InputStream in, int n, String source, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new BadInputException(source, "truncated .npy file: no " + what);
        }
        return b;
    }

    /**
     * Writes a little-endian {@code float32} {@code .npy} file (format version 1.0), creating parent
     * folders as needed.
     *
     * @param file  the file to write
     * @param data  the values in C order
     * @param shape the dimensions
     * @throws IOException if it cannot be written
     */
    public static void write(Path file, float[] data, int... shape) throws IOException {
        NpyArray checked = new NpyArray(shape, data);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, checked);
        }
    }

    /**
     * Writes an array as a little-endian {@code float32} {@code .npy} stream.
     *
     * @param out   the stream
     * @param array the array
     * @throws IOException if the stream fails
     */
    public static void write(OutputStream out, NpyArray array) throws IOException {
        StringBuilder shape = new StringBuilder();
        for (int d : array.shape()) {
            shape.append(d).append(", ");
        }
        if (array.rank() > 1) {
            shape.setLength(shape.length() - 2);
        } else if (array.rank() == 1) {
            shape.setLength(shape.length() - 1);
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(MAGIC);
        head.write(1);
        head.write(0);
        head.write(header.length() & 0xff);
        head.write(header.length() >>> 8 & 0xff);
        head.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(head.toByteArray());
        float[] data = array.data();
        ByteBuffer buf = ByteBuffer.allocate(Math.min(data.length, 1 << 16) * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < data.length; i++) {
            buf.putFloat(data[i]);
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        }
        out.write(buf.array(), 0, buf.position());
    }

    private static boolean startsWithMagic(byte[] b) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static String group(Pattern p, String header, String source, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new BadInputException(source, ".npy header has no '" + key + "': " + header.trim());
        }
        return m.group(1);
    }

    private static int[] parseShape(String text, String source) throws IOException {
        List<Integer> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                dims.add(Integer.parseInt(t.endsWith("L") ? t.substring(0, t.length() - 1) : t));
            } catch (NumberFormatException e) {
                throw new BadInputException(source, "bad shape (" + text + ")", e);
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The element types this reader understands. */
    private enum DType {
        F4(4), F8(8), I1(1), U1(1), B1(1), I2(2), U2(2), I4(4), U4(4), I8(8);

        final int size;
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;

        DType(int size) {
            this.size = size;
        }

        static DType parse(String descr, String source) throws IOException {
            if (descr.length() < 3) {
                throw new BadInputException(source, "unsupported dtype '" + descr + "'");
            }
            char endian = descr.charAt(0);
            String code = descr.substring(1);
            DType t = switch (code) {
                case "f4" -> F4;
                case "f8" -> F8;
                case "i1" -> I1;
                case "u1" -> U1;
                case "b1" -> B1;
                case "i2" -> I2;
                case "u2" -> U2;
                case "i4" -> I4;
                case "u4" -> U4;
                case "i8" -> I8;
                default -> throw new BadInputException(source, "unsupported dtype '" + descr
                        + "' (supported: float32/64, (u)int8/16/32, int64, bool)");
            };
            if (endian == '>' && t.size > 1) {
                throw new BadInputException(source, "big-endian dtype '" + descr + "' is not supported");
            }
            return t;
        }

        /** The values of every type but {@code F4} as floats. */
        float[] toFloats(byte[] raw, int n) {
            ByteBuffer b = ByteBuffer.wrap(raw).order(order);
            float[] out = new float[n];
            switch (this) { // F4 is read by readFloat32
                case F8 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) b.getDouble(i * 8);
                    }
                }
                case I1 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = raw[i];
                    }
                }
                case U1, B1 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = raw[i] & 0xff;
                    }
                }
                case I2 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = b.getShort(i * 2);
                    }
                }
                case U2 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = b.getShort(i * 2) & 0xffff;
                    }
                }
                case I4 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = b.getInt(i * 4);
                    }
                }
                case U4 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = b.getInt(i * 4) & 0xffffffffL;
                    }
                }
                case I8 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = b.getLong(i * 8);
                    }
                }
                default -> throw new IllegalStateException(name());
            }
            return out;
        }
    }
}
