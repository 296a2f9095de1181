package dev.stfpm.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stfpm.cli.StfpmCli;
import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.NpyArray;
import dev.stfpm.core.synth.SyntheticInspectionSet;
import dev.stfpm.core.synth.SyntheticSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stfpm-spark score} on {@code local[2]} against {@code stfpm predict} on the same generated
 * images: the same scores (to 1e-5), decisions and maps, on either engine and from either of Spark's
 * image sources; and bad input as one line naming the file, exit 2.
 */
class StfpmScorerTest {

    @TempDir
    static Path tmp;

    static Path images;
    static Path model;
    static Path calibrated;
    /** The session every run joins (each would otherwise start and stop its own). */
    static SparkSession spark;

    /** A tiny generated category (64 × 64, 7 test images), a one-epoch model, and a copy with thresholds. */
    @BeforeAll
    static void trainTinyModels() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("StfpmScorerTest").config("spark.ui.enabled", "false")
                .getOrCreate();
        Path category = tmp.resolve("fabric");
        SyntheticInspectionSet.write(SyntheticSpec.demo().withImageSize(64).withTrainImages(6).withTestGoodImages(2)
                .withTestImagesPerDefect(1), category);
        images = category.resolve("test");
        model = tmp.resolve("model.stfpm");
        assertThat(StfpmCli.run("train", "--data", category.toString(), "--out", model.toString(), "--epochs", "1",
                "--batch-size", "2", "--image-size", "64", "--quiet")).isZero();
        calibrated = tmp.resolve("calibrated.stfpm");
        Files.copy(model, calibrated);
        assertThat(StfpmCli.run("calibrate", "--model", calibrated.toString(), "--normal",
                category.resolve("train").toString(), "--quiet")).isZero();
    }

    @Test
    void scoresMapsAndDecisionsArePredicts() throws IOException {
        Map<String, String[]> predicted = predict(model, "predict-plain");
        Path table = tmp.resolve("plain.parquet");
        Path maps = tmp.resolve("maps");
        SparkRun run = SparkRun.of("score", "--master", "local[2]", "--model", model.toString(), "--input",
                images.toString(), "--output", table.toString(), "--maps", maps.toString());
        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains(predicted.size() + " images in").contains("images/s").contains("local[2]");

        List<Row> rows = read(table);
        assertThat(rows).hasSize(predicted.size());
        for (Row row : rows) {
            String path = Path.of(URI.create(row.getString(0))).toString();
            String[] expected = predicted.get(path);
            assertThat(expected).as(path).isNotNull();
            assertThat(row.getDouble(1)).as(path).isCloseTo(Double.parseDouble(expected[2]), within(1e-5));
            assertThat(row.isNullAt(2)).as("no thresholds, no decision").isTrue();
            assertThat(row.getDouble(4)).as("the map's maximum is the score").isEqualTo(row.getDouble(1));
            NpyArray ours = Npy.read(maps.resolve(path.substring(1) + ".npy"));
            NpyArray theirs = Npy.read(tmp.resolve("predict-plain").resolve(expected[0]));
            assertThat(ours.shape()).isEqualTo(theirs.shape());
            double mean = 0;
            for (int i = 0; i < ours.data().length; i++) {
                assertThat(ours.data()[i]).isCloseTo(theirs.data()[i], within(1e-5f));
                mean += theirs.data()[i];
            }
            assertThat(row.getDouble(3)).isCloseTo(mean / ours.data().length, within(1e-5));
        }
    }

    @Test
    void aCalibratedModelOnDeeplearning4jFromTheImageSourceDecidesAsPredictDoes() throws IOException {
        Map<String, String[]> predicted = predict(calibrated, "predict-calibrated", "--engine", "dl4j");
        Path table = tmp.resolve("calibrated.parquet");
        SparkRun run = SparkRun.of("score", "--master", "local[2]", "--model", calibrated.toString(), "--engine", "dl4j",
                "--format", "image", "--batch-size", "3", "--input", images.toString(), "--output", table.toString());
        assertThat(run.exit()).as(run.stderr()).isZero();
        List<Row> rows = read(table);
        assertThat(rows).hasSize(predicted.size());
        int anomalous = 0;
        for (Row row : rows) {
            String path = Path.of(URI.create(row.getString(0))).toString();
            String[] expected = predicted.get(path);
            assertThat(row.getDouble(1)).as(path).isCloseTo(Double.parseDouble(expected[2]), within(1e-5));
            assertThat(row.getBoolean(2)).as(path).isEqualTo(Boolean.parseBoolean(expected[4]));
            anomalous += row.getBoolean(2) ? 1 : 0;
        }
        assertThat(anomalous).as("the decisions are not all alike").isBetween(1, rows.size() - 1);
    }

    @Test
    void badInputIsOneLineNamingTheFileAndExitsTwo() throws IOException {
        SparkRun noModel = SparkRun.of("score", "--master", "local[2]", "--model", tmp.resolve("none.stfpm").toString(),
                "--input", images.toString(), "--output", tmp.resolve("x.parquet").toString());
        assertThat(noModel.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(noModel.stderr()).contains("stfpm-spark score: " + tmp.resolve("none.stfpm") + ": no such model file")
                .doesNotContain("\tat ");

        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        Files.copy(images.resolve("good/000.png"), broken.resolve("fine.png"));
        Files.writeString(broken.resolve("torn.png"), "not a PNG");
        SparkRun badImage = SparkRun.of("score", "--master", "local[2]", "--model", model.toString(),
                "--input", broken.toString(), "--output", tmp.resolve("y.parquet").toString());
        assertThat(badImage.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(badImage.stderr().strip()).as("one line (Spark logs the failed task to System.err)")
                .matches("stfpm-spark score: file:\\S*/broken/torn.png: not an image format ImageIO can read [^\\n]*");
    }

    /** Runs {@code stfpm predict}; returns its scores.csv rows (map, path, score[, normalised, anomalous]) by path. */
    private static Map<String, String[]> predict(Path model, String out, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--out",
                tmp.resolve(out).toString(), "--quiet"));
        args.addAll(List.of(options));
        args.add(images.toString());
        assertThat(StfpmCli.run(args.toArray(String[]::new))).isZero();
        Map<String, String[]> rows = new HashMap<>();
        List<String> lines = Files.readAllLines(tmp.resolve(out).resolve("scores.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",");
            rows.put(fields[1], fields);
        }
        return rows;
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static List<Row> read(Path table) {
        return spark.read().parquet(table.toString()).collectAsList();
    }
}
