package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code stfpm} prints when its output is not a terminal (as here, under Maven): progress as
 * plain lines, none of Deeplearning4j's and ND4J's noise, and with {@code --quiet} only the result.
 * Trains on six generated 64×64 images ({@link TinyCategory}) at 32×32 input with the shipped teacher.
 */
class ProgressOutputTest {

    @TempDir
    Path tmp;

    private Path category() throws IOException {
        return TinyCategory.write(tmp.resolve("noise"));
    }

    private static void assertNoLibraryNoise(CliRun run) {
        for (String output : List.of(run.stdout(), run.stderr())) {
            assertThat(output).doesNotContain("Added differentiated op").doesNotContain("Duplicate TF op")
                    .doesNotContain("SLF4J").doesNotContain("Loaded [CpuBackend]").doesNotContain("Blas vendor");
        }
    }

    @Test
    void trainShowsProgressLinesAndNoLibraryNoise() throws IOException {
        assumeTrue(System.console() == null, "needs output that is not a terminal");
        Path data = category();
        Path model = tmp.resolve("m.stfpm");
        CliRun train = CliRun.of("train", "--data", data.toString(), "--out", model.toString(), "--epochs", "2",
                "--batch-size", "2", "--image-size", "32");
        assertThat(train.exit()).as(train.stderr()).isZero();
        assertNoLibraryNoise(train);
        List<String> lines = train.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("layout: mvtec (auto-detected)");
        assertThat(lines.get(1)).startsWith("training on 6 images of ");
        assertThat(lines).anyMatch(l -> l.matches("caching teacher features: 6 images in [0-9.]+ s"));
        assertThat(lines).anyMatch(l -> l.startsWith("epoch   1/2  loss "));
        assertThat(lines).anyMatch(l -> l.startsWith("epoch   2/2  loss "));
        assertThat(lines).allMatch(l -> !l.contains("\r"), "no bar redrawn in place");
        assertThat(lines.get(lines.size() - 1)).startsWith("saved " + model);

        CliRun predict = CliRun.of("predict", "--model", model.toString(), "--out", tmp.resolve("maps").toString(),
                data.resolve("train").toString());
        assertThat(predict.exit()).as(predict.stderr()).isZero();
        assertNoLibraryNoise(predict);
        assertThat(predict.stdout().lines()).anyMatch(l -> l.matches("predicting: 6 images in [0-9.]+ s"));

        CliRun quiet = CliRun.of("--quiet", "predict", "--model", model.toString(), "--out",
                tmp.resolve("maps").toString(), data.resolve("train").toString());
        assertThat(quiet.exit()).as(quiet.stderr()).isZero();
        assertThat(quiet.stdout().lines().toList()).singleElement().asString().startsWith("6 images, ");
    }

    @Test
    void quietTrainPrintsOnlyItsResult() throws IOException {
        Path model = tmp.resolve("m.stfpm");
        CliRun train = CliRun.of("train", "--quiet", "--data", category().toString(), "--out", model.toString(),
                "--epochs", "1", "--batch-size", "3", "--image-size", "32");
        assertThat(train.exit()).as(train.stderr()).isZero();
        assertNoLibraryNoise(train);
        assertThat(train.stdout().lines().toList()).singleElement().asString().startsWith("saved " + model);
    }

    @Test
    void quietAndVerboseExcludeEachOther() {
        CliRun both = CliRun.of("--verbose", "evaluate", "--quiet", "--dataset", "d", "--anomaly-maps", "m", "--out", "o");
        assertThat(both.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(both.stderr()).contains("--quiet and --verbose exclude each other");
    }
}
