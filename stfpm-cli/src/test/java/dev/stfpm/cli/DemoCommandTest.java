package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.data.MvtecCategory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stfpm demo}: data, model, metrics and report from nothing; safe about its output folder. */
class DemoCommandTest {

    @TempDir
    Path tmp;

    @Test
    void shortDemoWritesDataModelMetricsAndReport() throws Exception {
        Path out = tmp.resolve("demo");
        CliRun demo = CliRun.of("demo", "--out", out.toString(), "--epochs", "2");
        assertThat(demo.exit()).as(demo.stderr()).isZero();
        assertThat(demo.stdout()).contains("demo settings, where they differ from the paper's: image size 128 (paper 256)")
                .contains("epochs 2 (paper 100)").contains("report.html").doesNotContain("Added differentiated op");
        assertThat(MvtecCategory.open(out.resolve("fabric")).testImages()).hasSize(60);
        assertThat(out.resolve("model.stfpm")).isRegularFile();
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("test/metrics.json").toFile());
        assertThat(metrics.get("image_auroc").asDouble()).isBetween(0.0, 1.0);
        assertThat(metrics.get("per_defect").has("scratch")).isTrue();
        assertThat(out.resolve("test/report.html")).isRegularFile();

        CliRun again = CliRun.of("demo", "--out", out.toString(), "--data-only", "--seed", "7");
        assertThat(again.exit()).as("a demo folder is replaced: " + again.stderr()).isZero();
        assertThat(out.resolve("model.stfpm")).doesNotExist();
        assertThat(out.resolve("fabric/train/good/000.png")).isRegularFile();
    }

    @Test
    void refusesAFolderItDidNotWrite() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("thesis.tex"), "precious");
        CliRun demo = CliRun.of("demo", "--out", mine.toString(), "--data-only");
        assertThat(demo.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(demo.stderr()).contains(mine.toString()).contains("not empty");
        assertThat(mine.resolve("thesis.tex")).hasContent("precious");
    }

    @Test
    void demoSettingsNameEachDifferenceFromThePaper() {
        assertThat(DemoCommand.differences(StfpmConfig.demo(), StfpmConfig.paper()))
                .contains("image size 128 (paper 256)", "batch size 8 (paper 32)")
                .noneMatch(d -> d.startsWith("momentum"));
        assertThat(DemoCommand.differences(StfpmConfig.paper(), StfpmConfig.paper())).containsExactly("none");
    }
}
