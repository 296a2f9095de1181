package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stfpm benchmark} on a root of two tiny generated categories (one named as an MVTec AD one,
 * so the paper's figures appear beside it), one epoch each; then a second run after the loss of one
 * category's result, which reruns that category only.
 */
class BenchmarkCommandTest {

    @TempDir
    Path tmp;

    @Test
    void benchmarksASuiteWritesItsTablesAndResumes() throws IOException {
        Path root = tmp.resolve("suite");
        TinyCategory.write(root.resolve("bottle"));
        TinyCategory.write(root.resolve("tiny"));
        Path out = tmp.resolve("bench");
        String[] args = {"benchmark", "--root", root.toString(), "--out", out.toString(),
            "--epochs", "1", "--batch-size", "2", "--image-size", "64"};

        CliRun first = CliRun.of(args);
        assertThat(first.exit()).as(first.stderr()).isZero();
        assertThat(first.stdout()).contains("bottle").contains("tiny").contains("benchmark.json, benchmark.md, benchmark.html");
        JsonNode json = new ObjectMapper().readTree(out.resolve("benchmark.json").toFile());
        assertThat(json.get("categories")).hasSize(2);
        JsonNode bottle = json.get("categories").get(0);
        assertThat(bottle.get("category").asText()).isEqualTo("bottle");
        assertThat(bottle.get("image_auroc").asDouble()).isBetween(0.0, 1.0);
        assertThat(bottle.get("train_seconds").asDouble()).isPositive();
        assertThat(bottle.get("inference_ms_per_image").asDouble()).isPositive();
        assertThat(bottle.get("train_peak_bytes").asLong()).as("read from /proc on Linux").isPositive();
        assertThat(bottle.get("paper").get("pixel_auroc").asDouble()).as("the paper's Table 1").isEqualTo(0.988);
        assertThat(json.get("categories").get(1).has("paper")).isFalse();
        assertThat(json.get("paper").get("image_auroc_mean_of_15").asDouble()).isEqualTo(0.955);
        assertThat(out.resolve("bottle/test/report.html")).isRegularFile();
        assertThat(Files.readString(out.resolve("benchmark.md"))).contains("PRO (paper's definition)").contains("**mean**")
                .contains("[report](bottle/test/report.html)");
        assertThat(Files.readString(out.resolve("benchmark.html"))).contains("<a href=\"tiny/test/report.html\">");

        Files.delete(out.resolve("tiny/result.json")); // as if the run had been killed while on tiny
        CliRun second = CliRun.of(args);
        assertThat(second.exit()).as(second.stderr()).isZero();
        assertThat(second.stderr() + second.stdout()).contains("[1/2] bottle: done in an earlier run, kept")
                .contains("[2/2] tiny: training and testing");
        assertThat(new ObjectMapper().readTree(out.resolve("benchmark.json").toFile()).get("categories").get(0))
                .as("the kept category's figures are the first run's").isEqualTo(bottle);
    }

    @Test
    void badOptionsAndUnknownCategoriesExitTwoBeforeAnythingRuns() throws IOException {
        Path root = tmp.resolve("suite");
        TinyCategory.write(root.resolve("tiny"));
        CliRun unknown = CliRun.of("benchmark", "--root", root.toString(), "--out", tmp.resolve("o").toString(),
                "--categories", "carpet");
        assertThat(unknown.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(unknown.stderr()).contains("carpet").contains("no such category folder").doesNotContain("\tat ");
        CliRun badTrainOption = CliRun.of("benchmark", "--root", root.toString(), "--out", tmp.resolve("o").toString(),
                "--lr", "-1");
        assertThat(badTrainOption.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(badTrainOption.stderr()).contains("--lr");
        CliRun ownOption = CliRun.of("benchmark", "--root", root.toString(), "--out", tmp.resolve("o").toString(),
                "--data", "x");
        assertThat(ownOption.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(ownOption.stderr()).contains("--data is set by the benchmark");
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    @Test
    void theFractionAblationRunsEachShareAndWritesThePapersTable() throws IOException {
        Path root = tmp.resolve("suite");
        TinyCategory.write(root.resolve("bottle"));
        Path out = tmp.resolve("ablation");
        CliRun run = CliRun.of("benchmark", "--root", root.toString(), "--out", out.toString(), "--ablation", "fraction",
                "--epochs", "1", "--batch-size", "2", "--image-size", "64");
        assertThat(run.exit()).as(run.stderr()).isZero();
        JsonNode study = new ObjectMapper().readTree(out.resolve("ablation.json").toFile());
        assertThat(study.get("variants")).hasSize(3);
        assertThat(study.get("variants").get(2).get("variant").asText()).isEqualTo("5 %");
        assertThat(study.get("variants").get(2).get("paper").get("image_auroc").asDouble()).as("Table 5").isEqualTo(0.871);
        assertThat(Files.readString(out.resolve("ablation.md"))).contains("| 10 % | 1 |").contains("0.9070");
        assertThat(Files.readString(out.resolve("fraction-0.05/bottle/train.log"))).isNotNull();
        assertThat(Files.readString(out.resolve("fraction-0.05/benchmark.md"))).contains("[report](bottle/test/report.html)");
        CliRun varied = CliRun.of("benchmark", "--root", root.toString(), "--out", out.toString(), "--ablation", "fraction",
                "--train-fraction", "0.5");
        assertThat(varied.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(varied.stderr()).contains("--train-fraction is what --ablation fraction varies");
    }
}
