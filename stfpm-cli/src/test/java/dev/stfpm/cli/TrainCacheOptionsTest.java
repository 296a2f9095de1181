package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --cache-memory} and {@code --cache-dir}: sizes as users write them, and the file-backed cache. */
class TrainCacheOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void sizesAreReadInBinaryUnits() {
        assertThat(ByteSize.parse("0")).isZero();
        assertThat(ByteSize.parse("1234")).isEqualTo(1234);
        assertThat(ByteSize.parse("512m")).isEqualTo(512L << 20);
        assertThat(ByteSize.parse("2G")).isEqualTo(2L << 30);
        assertThat(ByteSize.parse("2GiB")).isEqualTo(2L << 30);
        assertThat(ByteSize.parse("1.5t")).isEqualTo(3L << 39);
        assertThat(ByteSize.parse("64kb")).isEqualTo(64L << 10);
        assertThat(ByteSize.format(2L << 30)).isEqualTo("2.0 GiB");
        assertThat(ByteSize.format(27_525_120_000L)).isEqualTo("25.6 GiB");
        assertThat(ByteSize.format(3L << 19)).isEqualTo("1.5 MiB");
        for (String bad : new String[] {"", "g", "-1", "2x", "1e9", "Infinity", "NaN", "9999999999t", "2 g"}) {
            assertThatThrownBy(() -> ByteSize.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a size");
        }
    }

    @Test
    void aSetOverTheMemoryBudgetIsCachedInAFileThatIsGoneAfterwards() throws IOException {
        Path data = TinyCategory.write(tmp.resolve("tiny"));
        Path cache = tmp.resolve("cache");
        CliRun run = CliRun.of("train", "--data", data.toString(), "--out", tmp.resolve("m.stfpm").toString(),
                "--epochs", "1", "--batch-size", "2", "--image-size", "64", "--cache-memory", "0",
                "--cache-dir", cache.toString());
        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).containsPattern("the teacher features of \\d+ images take [0-9.]+ MiB, over --cache-memory"
                + " 0.0 MiB: they go to a temporary file in " + java.util.regex.Pattern.quote(cache.toString()));
        assertThat(tmp.resolve("m.stfpm")).isRegularFile();
        assertThat(cache).isEmptyDirectory();
    }

    @Test
    void aBadSizeIsOneLineNamingTheOption() throws IOException {
        Path data = TinyCategory.write(tmp.resolve("tiny"));
        CliRun run = CliRun.of("train", "--data", data.toString(), "--out", tmp.resolve("m.stfpm").toString(),
                "--cache-memory", "2x");
        assertThat(run.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(run.stderr()).contains("--cache-memory").contains("not a size").doesNotContain("\tat ");
        assertThat(Files.exists(tmp.resolve("m.stfpm"))).isFalse();
    }
}
