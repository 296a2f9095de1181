package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stfpm.core.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stfpm export} and {@code stfpm predict --engine onnxruntime} on a model trained for one
 * epoch on the tiny generated category: both engines write the same scores and maps.
 */
class ExportAndEngineCommandTest {

    @TempDir
    static Path tmp;
    private static Path data;
    private static Path model;

    @BeforeAll
    static void train() throws IOException {
        data = TinyCategory.write(tmp.resolve("tiny"));
        model = tmp.resolve("tiny.stfpm");
        CliRun train = CliRun.of("train", "--data", data.toString(), "--out", model.toString(),
                "--epochs", "1", "--batch-size", "2", "--image-size", "64");
        assertThat(train.exit()).as(train.stderr()).isZero();
    }

    @Test
    void theDefaultEngineIsNamedInTheHelp() {
        assertThat(Engine.DEFAULT_NAME).isEqualTo(Engine.DEFAULT.name().toLowerCase(java.util.Locale.ROOT));
        assertThat(CliRun.of("predict", "--help").stdout()).contains("default: " + Engine.DEFAULT_NAME);
    }

    private static List<String> predict(String folder, String... options) throws IOException {
        Path out = tmp.resolve(folder);
        List<String> args = new java.util.ArrayList<>(List.of("predict", "--out", out.toString()));
        args.addAll(List.of(options));
        args.add(data.resolve("test").toString());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exit()).as(run.stderr()).isZero();
        return Files.readAllLines(out.resolve("scores.csv"));
    }

    @Test
    void bothEnginesAndTheExportedFileGiveTheSameScoresAndMaps() throws IOException {
        Path onnx = tmp.resolve("tiny.onnx");
        CliRun export = CliRun.of("export", "--model", model.toString(), "--out", onnx.toString());
        assertThat(export.exit()).as(export.stderr()).isZero();
        assertThat(export.stdout()).contains("wrote " + onnx).contains("input float32 [N,3,64,64]")
                .contains("no thresholds");
        assertThat(onnx).isRegularFile();

        List<String> dl4j = predict("dl4j", "--model", model.toString(), "--engine", "dl4j");
        List<String> ort = predict("ort", "--model", model.toString());
        List<String> file = predict("file", "--model", onnx.toString());
        assertThat(dl4j).hasSizeGreaterThan(2);
        for (List<String> other : List.of(ort, file)) {
            assertThat(other).hasSameSizeAs(dl4j);
            for (int row = 1; row < dl4j.size(); row++) {
                String[] a = dl4j.get(row).split(",");
                String[] b = other.get(row).split(",");
                assertThat(b[0]).isEqualTo(a[0]);
                assertThat(Double.parseDouble(b[2])).isCloseTo(Double.parseDouble(a[2]),
                        org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        String firstMap = dl4j.get(1).split(",")[0];
        float[] a = Npy.read(tmp.resolve("dl4j").resolve(firstMap)).data();
        float[] b = Npy.read(tmp.resolve("file").resolve(firstMap)).data();
        for (int i = 0; i < a.length; i++) {
            assertThat((double) b[i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void anImageFormExportAndAMismatchedEngineAreRefusedInOneLine() throws IOException {
        Path imageForm = tmp.resolve("image-form.onnx");
        CliRun export = CliRun.of("export", "--model", model.toString(), "--out", imageForm.toString(), "--with-preprocessing");
        assertThat(export.exit()).as(export.stderr()).isZero();
        assertThat(export.stdout()).contains("input image uint8 [N,H,W,3]");

        CliRun wrongForm = CliRun.of("predict", "--model", imageForm.toString(), "--out", tmp.resolve("x").toString(),
                data.resolve("test").toString());
        assertThat(wrongForm.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(wrongForm.stderr()).contains(imageForm.toString()).contains("--with-preprocessing").doesNotContain("\tat ");

        CliRun wrongEngine = CliRun.of("predict", "--engine", "dl4j", "--model", imageForm.toString(), "--out",
                tmp.resolve("y").toString(), data.resolve("test").toString());
        assertThat(wrongEngine.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(wrongEngine.stderr()).contains("--engine onnxruntime").doesNotContain("\tat ");

        CliRun overModel = CliRun.of("export", "--model", model.toString(), "--out", model.toString());
        assertThat(overModel.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(model).isRegularFile();
    }

    @Test
    void calibratingOnGoodImagesKeepsTheFalseAlarmRateAndTravelsWithTheExport() throws IOException {
        Path calibrated = Files.copy(model, tmp.resolve("calibrated.stfpm"));
        Path good = data.resolve("train/good");
        CliRun calibrate = CliRun.of("calibrate", "--model", calibrated.toString(), "--normal", good.toString(),
                "--false-alarm-rate", "0.2");
        assertThat(calibrate.exit()).as(calibrate.stderr()).isZero();
        assertThat(calibrate.stdout()).contains("image threshold").contains("saved in " + calibrated);

        Path out = tmp.resolve("calibrated-predict");
        CliRun predict = CliRun.of("predict", "--model", calibrated.toString(), "--out", out.toString(), good.toString());
        assertThat(predict.exit()).as(predict.stderr()).isZero();
        List<String> csv = Files.readAllLines(out.resolve("scores.csv"));
        assertThat(csv.get(0)).isEqualTo("map,path,score,normalised_score,anomalous");
        long images = csv.size() - 1;
        long alarms = csv.stream().skip(1).filter(row -> row.endsWith(",true")).count();
        assertThat(alarms).as("false alarms among %d good images", images).isLessThanOrEqualTo((long) Math.floor(0.2 * images));

        CliRun export = CliRun.of("export", "--model", calibrated.toString(), "--out", tmp.resolve("calibrated.onnx").toString());
        assertThat(export.stdout()).contains("thresholds in its metadata");

        CliRun badRate = CliRun.of("calibrate", "--model", calibrated.toString(), "--normal", good.toString(),
                "--false-alarm-rate", "1.5");
        assertThat(badRate.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(badRate.stderr()).contains("false-alarm rate must be in [0, 1)").doesNotContain("\tat ");
    }
}
