package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.core.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stfpm train}, {@code test} and {@code predict} end to end on a tiny generated category ({@link TinyCategory})
 * (64×64 input, two epochs) with the shipped ImageNet teacher, plus their one-line errors.
 */
class TrainTestPredictCommandTest {

    @TempDir
    Path tmp;

    private Path category() throws IOException {
        return TinyCategory.write(tmp.resolve("tiny"));
    }

    @Test
    void trainTestAndPredictWriteTheirFiles() throws IOException {
        Path data = category();
        Path model = tmp.resolve("models/tiny.stfpm");

        CliRun train = CliRun.of("train", "--data", data.toString(), "--out", model.toString(),
                "--epochs", "2", "--batch-size", "2", "--image-size", "64");
        assertThat(train.exit()).as(train.stderr()).isZero();
        assertThat(train.stdout()).contains("epoch   1/2").contains("epoch   2/2").contains("saved");
        assertThat(train.stdout()).as("no --teacher: the shipped one").contains("classpath:dev/stfpm/weights/resnet18-imagenet.onnx");
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
        assertThat(csv.get(0)).isEqualTo("map,path,score,normalised_score,anomalous");
        assertThat(csv.get(1)).startsWith("000.npy," + data.resolve("test/scratch/000.png") + ",");
        assertThat(csv).hasSize(1 + 1 + 6);
        assertThat(csv.get(1).split(",")).hasSize(csv.get(0).split(",").length);
        assertThat(predicted.resolve("000.npy")).isRegularFile();
        assertThat(predicted.resolve("000_mask.png")).isRegularFile();
        assertThat(predicted.resolve("train/good/000.npy")).isRegularFile();
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

        CliRun missingTeacher = CliRun.of("train", "--data", category().toString(), "--out", tmp.resolve("m").toString(),
                "--teacher", tmp.resolve("no-such-teacher.onnx").toString());
        assertThat(missingTeacher.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(missingTeacher.stderr()).contains("no-such-teacher.onnx").contains("--teacher").doesNotContain("\tat ");
    }
}
