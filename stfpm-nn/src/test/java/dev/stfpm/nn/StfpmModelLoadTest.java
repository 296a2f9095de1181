package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.core.BadInputException;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.NpyArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StfpmModel#load} refuses every bad model file with a {@link BadInputException} naming it.
 * That a file saved by today's {@link StfpmModel#save} loads and gives identical maps is
 * {@code StfpmModelTest.saveAndLoadGiveIdenticalMaps}.
 */
class StfpmModelLoadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StfpmConfig SMALL = StfpmConfig.paper().withImageSize(64);

    /** A zip of the given entries. */
    private static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    private static byte[] npy(float... values) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, new NpyArray(new int[] {values.length}, values));
        return out.toByteArray();
    }

    private static byte[] meta(int format, Object config) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("config", config);
        return JSON.writeValueAsBytes(m);
    }

    private static BadInputException refused(Path file, String... problem) {
        BadInputException e = catchThrowableOfType(() -> StfpmModel.load(file), BadInputException.class);
        assertThat(e).as("load(%s) throws BadInputException", file).isNotNull();
        assertThat(e.source()).isEqualTo(file.toString());
        assertThat(e.getMessage()).startsWith(file + ":");
        for (String p : problem) {
            assertThat(e.getMessage()).contains(p);
        }
        return e;
    }

    @Test
    void aModelOfALaterFormatIsRefusedNamingFileFormatAndReleases(@TempDir Path dir) throws IOException {
        Path fixture = dir.resolve("model-format-2.stfpm");
        try (InputStream in = getClass().getResourceAsStream("model-format-2.stfpm")) {
            Files.copy(in, fixture);
        }
        assertThat(Files.size(fixture)).as("the committed fixture stays small").isLessThan(4096);
        refused(fixture, "model format 2, this release (" + StfpmModel.RELEASE + ") reads " + StfpmModel.FORMAT_VERSION,
                "written by stfpm-java 0.2.0");
    }

    @Test
    void aFormatOtherThanThisReleasesIsRefusedBeforeItsEntriesAreRead(@TempDir Path dir) throws IOException {
        int next = StfpmModel.FORMAT_VERSION + 1;
        Path later = zip(dir.resolve("later.stfpm"), Map.of("model.json", meta(next, Map.of("anything", "new"))));
        refused(later, "model format " + next + ", this release (" + StfpmModel.RELEASE + ") reads 1");
        Path earlier = zip(dir.resolve("earlier.stfpm"), Map.of("model.json", meta(0, SMALL)));
        refused(earlier, "model format 0, this release (" + StfpmModel.RELEASE + ") reads 1", "retrain");
    }

    @Test
    void badContentIsABadInputExceptionNamingTheFile(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("text.stfpm");
        Files.writeString(text, "not a model");
        refused(text, "not an STFPM model file");

        refused(dir.resolve("missing.stfpm"), "no such model file");

        byte[] good = Files.readAllBytes(zip(dir.resolve("whole.stfpm"),
                Map.of("model.json", meta(1, SMALL), "teacher.npy", npy(new float[4096]))));
        Path truncated = dir.resolve("truncated.stfpm");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        refused(truncated, "not an STFPM model file");

        Path noMeta = zip(dir.resolve("no-meta.stfpm"), Map.of("teacher.npy", npy(1f)));
        refused(noMeta, "no model.json");

        Path badJson = zip(dir.resolve("bad-json.stfpm"), Map.of("model.json", "{\"format\": 1, ".getBytes(StandardCharsets.UTF_8)));
        refused(badJson, "unreadable model.json");

        Path noFormat = zip(dir.resolve("no-format.stfpm"), Map.of("model.json", "[1, 2]".getBytes(StandardCharsets.UTF_8)));
        refused(noFormat, "unreadable model.json", "no format version");

        Path noStudent = zip(dir.resolve("no-student.stfpm"), Map.of("model.json", meta(1, SMALL), "teacher.npy", npy(1f)));
        refused(noStudent, "no student.npy");

        Map<String, Object> hugeImages = new LinkedHashMap<>(JSON.convertValue(SMALL, Map.class));
        hugeImages.put("imageSize", 100000);
        Path badConfig = zip(dir.resolve("bad-config.stfpm"),
                Map.of("model.json", meta(1, hugeImages), "teacher.npy", npy(1f), "student.npy", npy(1f)));
        refused(badConfig, "unreadable model.json", "imageSize");

        Path noConfig = zip(dir.resolve("no-config.stfpm"),
                Map.of("model.json", meta(1, null), "teacher.npy", npy(1f), "student.npy", npy(1f)));
        refused(noConfig, "no config");

        byte[] malformedNpy = Arrays.copyOf(npy(1f, 2f, 3f), 20);
        Path badNpy = zip(dir.resolve("bad-npy.stfpm"),
                Map.of("model.json", meta(1, SMALL), "teacher.npy", malformedNpy, "student.npy", npy(1f)));
        assertThatThrownBy(() -> StfpmModel.load(badNpy)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("bad-npy.stfpm:teacher.npy");

        Path wrongCount = zip(dir.resolve("wrong-count.stfpm"),
                Map.of("model.json", meta(1, SMALL), "teacher.npy", npy(1f, 2f, 3f), "student.npy", npy(1f)));
        BadInputException e = catchThrowableOfType(() -> StfpmModel.load(wrongCount), BadInputException.class);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("wrong-count.stfpm:teacher.npy").contains("holds 3 parameters");
    }

    @Test
    void aModelFileThatInflatesOverTheLimitIsRefused(@TempDir Path dir) throws IOException {
        // an entry of zeros one byte over the limit: about 256 KB on disk
        Path bomb = dir.resolve("bomb.stfpm");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bomb))) {
            zip.putNextEntry(new ZipEntry("model.json"));
            zip.write(meta(StfpmModel.FORMAT_VERSION, SMALL));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("padding.bin"));
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written <= StfpmModel.LIMIT_BYTES; written += zeros.length) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertThat(Files.size(bomb)).isLessThan(2 << 20);
        assertThatThrownBy(() -> StfpmModel.load(bomb)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(bomb + ":padding.bin: the archive inflates to more than 268435456 bytes");
    }
}
