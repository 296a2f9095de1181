package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.core.io.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stfpm evaluate} on a tiny generated data set: exit codes, files and one-line errors. */
class EvaluateCommandTest {

    @TempDir
    Path tmp;

    private Path dataset;
    private Path maps;
    private String stdout;
    private String stderr;

    /**
     * good/000 = [0.1 0.2; 0.3 0.4]; crack/000 = [0.3 0.2; 0.25 0.1] with its top-left pixel marked
     * by the mask: pixel AUROC 5.5/7 (5 normal pixels below 0.3, one tied), image AUROC 0.
     */
    @BeforeEach
    void writeDataset() throws IOException {
        dataset = tmp.resolve("tiny");
        maps = tmp.resolve("maps");
        image("good", "000");
        image("crack", "000");
        Npy.write(maps.resolve("test/good/000.npy"), new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 2, 2);
        Npy.write(maps.resolve("test/crack/000.npy"), new float[] {0.3f, 0.2f, 0.25f, 0.1f}, 2, 2);
        BufferedImage mask = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        mask.getRaster().setSample(0, 0, 0, 255);
        Path m = dataset.resolve("ground_truth/crack/000_mask.png");
        Files.createDirectories(m.getParent());
        ImageIO.write(mask, "png", m.toFile());
    }

    @Test
    void writesMetricsAndReports() throws IOException {
        Path out = tmp.resolve("out");
        assertThat(run("evaluate", "--dataset", dataset.toString(), "--anomaly-maps", maps.toString(),
                "--out", out.toString())).isZero();
        JsonNode json = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertThat(json.get("pixel_auroc").asDouble()).isCloseTo(5.5 / 7, offset(1e-6));
        assertThat(json.get("image_auroc").asDouble()).isZero();
        assertThat(json.get("pro_limit").asDouble()).isEqualTo(0.3);
        assertThat(json.get("per_defect").has("crack")).isTrue();
        assertThat(out.resolve("report.html")).isRegularFile();
        assertThat(out.resolve("report.md")).isRegularFile();
        assertThat(out.resolve("images/crack/000.png")).isRegularFile();
        assertThat(stdout).contains("pixel AUROC 0.7857");
    }

    @Test
    void proLimitIsAnOption() throws IOException {
        Path out = tmp.resolve("out");
        assertThat(run("evaluate", "--dataset", dataset.toString(), "--anomaly-maps", maps.toString(),
                "--out", out.toString(), "--pro-limit", "1.0")).isZero();
        JsonNode json = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertThat(json.get("au_pro").asDouble()).isCloseTo(11.0 / 14, offset(1e-6));
        assertThat(run("evaluate", "--dataset", dataset.toString(), "--anomaly-maps", maps.toString(),
                "--out", out.toString(), "--pro-limit", "0")).isEqualTo(2);
        assertThat(stderr).contains("--pro-limit");
    }

    @Test
    void missingMapIsBadInputNamingTheFile() throws IOException {
        Files.delete(maps.resolve("test/crack/000.npy"));
        assertThat(run("evaluate", "--dataset", dataset.toString(), "--anomaly-maps", maps.toString(),
                "--out", tmp.resolve("out").toString())).isEqualTo(2);
        assertThat(stderr.strip().lines()).hasSize(1);
        assertThat(stderr).contains(maps.resolve("test/crack/000.npy").toString()).doesNotContain("Exception");
    }

    @Test
    void nonFiniteMapIsBadInputNamingTheFile() throws IOException {
        Npy.write(maps.resolve("test/good/000.npy"), new float[] {0.1f, Float.NaN, 0.3f, 0.4f}, 2, 2);
        assertThat(run("evaluate", "--dataset", dataset.toString(), "--anomaly-maps", maps.toString(),
                "--out", tmp.resolve("out").toString())).isEqualTo(2);
        assertThat(stderr.strip().lines()).hasSize(1);
        assertThat(stderr).contains("test/good/000.npy").contains("NaN").doesNotContain("\tat ");
    }

    @Test
    void outThatIsAFileIsBadInputNamingTheFileAndTheProblem() throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "mine");
        assertThat(run("evaluate", "--dataset", dataset.toString(), "--anomaly-maps", maps.toString(),
                "--out", file.toString())).isEqualTo(2);
        assertThat(stderr.strip()).isEqualTo("stfpm evaluate: " + file + ": is a file; --out takes a folder");
        assertThat(file).hasContent("mine");
    }

    @Test
    void missingOptionIsAUsageError() {
        assertThat(run("evaluate", "--dataset", dataset.toString())).isEqualTo(2);
        assertThat(stderr).contains("--anomaly-maps");
    }

    private void image(String defect, String name) throws IOException {
        Path file = dataset.resolve("test").resolve(defect).resolve(name + ".png");
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    }

    private int run(String... args) {
        CliRun r = CliRun.of(args);
        stdout = r.stdout();
        stderr = r.stderr();
        return r.exit();
    }
}
