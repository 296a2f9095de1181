package dev.stfpm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.stfpm.core.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @Test
    void writeThenReadRoundTrips(@TempDir Path dir) throws IOException {
        float[] data = {0f, -1.5f, 3.25f, Float.MAX_VALUE, 1e-20f, 7f};
        Path f = dir.resolve("a/b.npy");
        Npy.write(f, data, 2, 3);
        NpyArray back = Npy.read(f);
        assertThat(back.shape()).containsExactly(2, 3);
        assertThat(back.data()).containsExactly(data);
        byte[] raw = Files.readAllBytes(f);
        int headerLen = (raw[8] & 0xff) | (raw[9] & 0xff) << 8;
        assertThat((10 + headerLen) % 64).as("header padded to 64 bytes, as NumPy writes it").isZero();
        assertThat(new String(raw, 10, headerLen, StandardCharsets.ISO_8859_1))
                .contains("'descr': '<f4'").contains("'shape': (2, 3)");
    }

    /** A .npy file as NumPy writes it, with another dtype. */
    private static byte[] npy(String descr, String shape, byte[] data) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(data);
        return out.toByteArray();
    }

    @Test
    void readsNpzWithIntegerAndDoubleArrays(@TempDir Path dir) throws IOException {
        ByteBuffer f8 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.5).putDouble(-2);
        ByteBuffer i8 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(3).putLong(-4);
        Path npz = dir.resolve("v.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(npz))) {
            put(zip, "masks.npy", npy("|u1", "(2, 2)", new byte[] {0, 1, (byte) 255, 0}));
            put(zip, "maps.npy", npy("<f8", "(2,)", f8.array()));
            put(zip, "labels.npy", npy("<i8", "(2,)", i8.array()));
        }
        Map<String, NpyArray> arrays = Npy.readNpz(npz);
        assertThat(arrays).containsOnlyKeys("masks", "maps", "labels");
        assertThat(arrays.get("masks").data()).containsExactly(0f, 1f, 255f, 0f);
        assertThat(arrays.get("masks").shape()).containsExactly(2, 2);
        assertThat(arrays.get("maps").data()).containsExactly(0.5f, -2f);
        assertThat(arrays.get("labels").data()).containsExactly(3f, -4f);
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    @Test
    void malformedFilesAreRefusedWithTheirName(@TempDir Path dir) throws IOException {
        Path notNpy = dir.resolve("text.npy");
        Files.writeString(notNpy, "hello, world");
        assertThatThrownBy(() -> Npy.read(notNpy)).isInstanceOf(IOException.class)
                .hasMessageContaining("text.npy").hasMessageContaining("bad magic");

        Path truncated = dir.resolve("short.npy");
        byte[] full = npy("<f4", "(4,)", new byte[8]);
        Files.write(truncated, full);
        assertThatThrownBy(() -> Npy.read(truncated)).hasMessageContaining("short.npy").hasMessageContaining("truncated");

        Path fortran = dir.resolve("f.npy");
        Files.write(fortran, npy("<f4", "(1,)", new byte[4]).clone());
        byte[] b = Files.readAllBytes(fortran);
        String s = new String(b, StandardCharsets.ISO_8859_1).replace("'fortran_order': False", "'fortran_order': True ");
        Files.write(fortran, s.getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Npy.read(fortran)).hasMessageContaining("Fortran");

        Path complex = dir.resolve("c.npy");
        Files.write(complex, npy("<c8", "(1,)", new byte[8]));
        assertThatThrownBy(() -> Npy.read(complex)).hasMessageContaining("unsupported dtype '<c8'");
    }

    @Test
    void writeChecksShape() {
        assertThatThrownBy(() -> Npy.write(OutputStream.nullOutputStream(), new NpyArray(new int[] {2, 2}, new float[3])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 2]");
    }

    /** A version-2 .npy prefix (magic, version 2.0, 4-byte header length) with the given length. */
    private static byte[] v2Prefix(int headerLen) {
        return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(headerLen).array();
    }

    private static void assertBadInput(Path dir, String name, byte[] bytes, String... problem) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        var thrown = assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(f + ": ");
        for (String p : problem) {
            thrown.hasMessageContaining(p);
        }
        assertThat(catchThrowableOfType(() -> Npy.read(f), BadInputException.class).source()).isEqualTo(f.toString());
    }

    @Test
    void everyMalformedInputIsABadInputExceptionNamingFileAndProblem(@TempDir Path dir) throws IOException {
        assertBadInput(dir, "empty.npy", new byte[0], "bad magic");
        assertBadInput(dir, "magic-only.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, "no header length");
        assertBadInput(dir, "version9.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 9, 0, 0, 0},
                "format version 9");
        // a version-2 length with the sign bit set: negative as an int, 4 GB as NumPy's unsigned
        assertBadInput(dir, "negative-header.npy", v2Prefix(-5), "header length 4294967291", "limit");
        assertBadInput(dir, "oversized-header.npy", v2Prefix(Integer.MAX_VALUE), "header length 2147483647");
        assertBadInput(dir, "short-header.npy", v2Prefix(100), "truncated .npy header", "100 bytes");
        byte[] full = npy("<f4", "(4,)", new byte[16]);
        assertBadInput(dir, "short-data.npy", java.util.Arrays.copyOf(full, full.length - 3), "truncated data",
                "16 bytes", "found 13");
        assertBadInput(dir, "beyond-data.npy", npy("<f4", "(2, 3)", new byte[8]), "truncated data", "24 bytes");
        // a header claiming 2 GiB of floats over 8 bytes of data: refused as truncated, nothing that size allocated
        assertBadInput(dir, "huge-claim.npy", npy("<f4", "(536870000,)", new byte[8]), "truncated data",
                "2147480000 bytes", "found 8");
        byte[] grown = new byte[4 * 5_000_000]; // more floats than the first allocation holds: they arrive whole
        java.nio.ByteBuffer.wrap(grown).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(4 * 4_999_999, 7.5f);
        Path big = dir.resolve("grown.npy");
        Files.write(big, npy("<f4", "(5000000,)", grown));
        assertThat(Npy.read(big).data()).hasSize(5_000_000).endsWith(7.5f);
        assertBadInput(dir, "negative-dim.npy", npy("<f4", "(2, -3)", new byte[24]), "negative dimension");
        assertBadInput(dir, "overflow.npy", npy("<f4", "(2147483647, 2147483647, 2147483647)", new byte[4]),
                "more values than a long");
        assertBadInput(dir, "int-overflow.npy", npy("<f4", "(65536, 65536)", new byte[4]), "too large");
        assertBadInput(dir, "big-total.npy", npy("<f8", "(268435456,)", new byte[4]), "too large");
        assertBadInput(dir, "bad-dim.npy", npy("<f4", "(99999999999,)", new byte[4]), "bad shape");
        byte[] noShape = new String(npy("<f4", "(1,)", new byte[4]), StandardCharsets.ISO_8859_1)
                .replace("'shape'", "'shap_'").getBytes(StandardCharsets.ISO_8859_1);
        assertBadInput(dir, "no-shape.npy", noShape, "no 'shape'");
        assertBadInput(dir, "big-endian.npy", npy(">f4", "(1,)", new byte[4]), "big-endian");
    }

    @Test
    void aCorruptNpzIsABadInputException(@TempDir Path dir) throws IOException {
        Path empty = dir.resolve("empty.npz");
        Files.write(empty, new byte[0]);
        assertThatThrownBy(() -> Npy.readNpz(empty)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("empty.npz").hasMessageContaining("no arrays");
        Path inner = dir.resolve("inner.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(inner))) {
            put(zip, "maps.npy", npy("<f4", "(-1,)", new byte[4]));
        }
        assertThatThrownBy(() -> Npy.readNpz(inner)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("inner.npz:maps.npy").hasMessageContaining("negative dimension");
    }

    @Test
    void anNpzThatInflatesOverItsLimitIsRefusedBeforeItIsRead(@TempDir Path dir) throws IOException {
        // 64 MiB of zeros deflate to about 64 KB: a small zip bomb
        Path bomb = dir.resolve("bomb.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bomb))) {
            put(zip, "a.npy", npy("<f4", "(2,)", new byte[8]));
            put(zip, "maps.npy", npy("<f4", "(16777216,)", new byte[64 << 20]));
        }
        assertThat(Files.size(bomb)).isLessThan(1 << 20);
        assertThatThrownBy(() -> Npy.readNpz(bomb, 32 << 20)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(bomb + ":maps.npy: the archive inflates to more than 33554432 bytes");
        assertThat(Npy.readNpz(bomb, 65 << 20).get("maps").data()).hasSize(16777216);
        assertThat(Npy.NPZ_LIMIT_BYTES).isEqualTo(1L << 30);
    }
}
