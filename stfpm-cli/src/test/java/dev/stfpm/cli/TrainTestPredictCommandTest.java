package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.core.io.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stfpm train}, {@code test} and {@code predict} end to end on a tiny generated category
 * (64×64 input, one epoch) with the shared ImageNet teacher, plus their one-line errors.
 */
class TrainTestPredictCommandTest {

    @TempDir
    Path tmp;

    private static Path teacher() {
        Path p = Path.of(System.getProperty("stfpm.shared", "../shared"), "weights/resnet18-imagenet-layer1-3.onnx");
        assumeTrue(Files.isRegularFile(p), "skipped: " + p.toAbsolutePath() + " is absent (the shared teacher)");
        return p;
    }

    private Path category() throws IOException {
        Path root = tmp.resolve("tiny");
        Random random = new Random(3);
        for (int i = 0; i < 6; i++) {
            write(root.resolve("train/good/" + i + ".png"), texture(random, false));
        }
        write(root.resolve("test/good/000.png"), texture(random, false));
        write(root.resolve("test/scratch/000.png"), texture(random, true));
        BufferedImage mask = new BufferedImage(72, 72, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 30; y < 42; y++) {
            for (int x = 30; x < 42; x++) {
                mask.getRaster().setSample(x, y, 0, 255);
            }
        }
        write(root.resolve("ground_truth/scratch/000_mask.png"), mask);
        return root;
    }

    private static BufferedImage texture(Random random, boolean defect) {
        BufferedImage img = new BufferedImage(72, 72, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 72; y++) {
            for (int x = 0; x < 72; x++) {
                boolean inDefect = defect && x >= 30 && x < 42 && y >= 30 && y < 42;
                int v = inDefect ? 20 : 120 + (x / 6 + y / 6) % 2 * 60 + random.nextInt(10);
                img.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return img;
    }

    private static void write(Path file, BufferedImage img) throws IOException {
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void trainTestAndPredictWriteTheirFiles() throws IOException {
        Path onnx = teacher();
        Path data = category();
        Path model = tmp.resolve("models/tiny.stfpm");

        CliRun train = CliRun.of("train", "--data", data.toString(), "--out", model.toString(), "--teacher", onnx.toString(),
                "--epochs", "2", "--batch-size", "2", "--image-size", "64");
        assertThat(train.exit()).as(train.stderr()).isZero();
        assertThat(train.stdout()).contains("epoch   1/2").contains("epoch   2/2").contains("saved");
        assertThat(model).isRegularFile();

        Path out = tmp.resolve("test-out");
        CliRun test = CliRun.of("test", "--model", model.toString(), "--data", data.toString(), "--out", out.toString(),
                "--save-calibration");
        assertThat(test.exit()).as(test.stderr()).isZero();
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertThat(metrics.get("image_auroc").isNumber()).isTrue();
        assertThat(metrics.get("pixel_auroc").isNumber()).isTrue();
        assertThat(metrics.has("au_pro")).isTrue();
        assertThat(Npy.read(out.resolve("maps/test/scratch/000.npy")).shape()).containsExactly(64, 64);
        assertThat(out.resolve("report.html")).isRegularFile();
        assertThat(out.resolve("calibration.json")).isRegularFile();

        Path predicted = tmp.resolve("predicted");
        CliRun predict = CliRun.of("predict", "--model", model.toString(), "--out", predicted.toString(),
                data.resolve("test/scratch/000.png").toString(), data.resolve("train").toString());
        assertThat(predict.exit()).as(predict.stderr()).isZero();
        List<String> csv = Files.readAllLines(predicted.resolve("scores.csv"));
        assertThat(csv.get(0)).isEqualTo("path,score,normalised_score,anomalous");
        assertThat(csv).hasSize(1 + 1 + 6);
        assertThat(csv.get(1).split(",")).hasSize(csv.get(0).split(",").length);
        assertThat(predicted.resolve("000.npy")).isRegularFile();
        assertThat(predicted.resolve("000_mask.png")).isRegularFile();
        assertThat(predicted.resolve("train/good/0.npy")).isRegularFile();
    }

    @Test
    void badInputGivesOneLineNamingTheProblem() throws IOException {
        Path missing = tmp.resolve("no-such-category");
        CliRun train = CliRun.of("train", "--data", missing.toString(), "--out", tmp.resolve("m").toString(),
                "--teacher", tmp.resolve("t.onnx").toString());
        assertThat(train.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(train.stderr()).contains("no-such-category").doesNotContain("\tat ");

        Path notModel = tmp.resolve("model.stfpm");
        Files.writeString(notModel, "hello");
        CliRun predict = CliRun.of("predict", "--model", notModel.toString(), "--out", tmp.resolve("o").toString(),
                notModel.toString());
        assertThat(predict.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(predict.stderr()).contains("model.stfpm").contains("not an STFPM model file").doesNotContain("\tat ");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun nothing = CliRun.of("predict", "--model", notModel.toString(), "--out", tmp.resolve("o").toString(),
                empty.toString());
        assertThat(nothing.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(nothing.stderr()).contains("no images found");

        CliRun noTeacher = CliRun.of("train", "--data", category().toString(), "--out", tmp.resolve("m").toString());
        if (System.getenv(TeacherLocator.ENV) == null && !Files.exists(Path.of(TeacherLocator.DEFAULT))) {
            assertThat(noTeacher.exit()).isEqualTo(StfpmCli.BAD_INPUT);
            assertThat(noTeacher.stderr()).contains("--teacher").contains(TeacherLocator.ENV).contains("weights/README.md");
        }
    }
}
