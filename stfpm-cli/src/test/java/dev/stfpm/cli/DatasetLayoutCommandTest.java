package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.TrainingHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train}, {@code test} and {@code evaluate} end to end on the folder and MVTec AD 2 layouts, built from a tiny
 * generated category ({@link TinyCategory}, 64×64, one epoch): the layout detected, MVTec AD 2's validation set, its
 * private test set without ground truth, and the one-line errors of a folder in no layout.
 */
class DatasetLayoutCommandTest {

    @TempDir
    Path tmp;

    @Test
    void folderLayoutTrainsAndTestsWithAndWithoutMasks() throws IOException {
        Path data = TinyCategory.write(tmp.resolve("parts"));
        Path model = tmp.resolve("models/parts.stfpm");
        CliRun train = CliRun.of("train", "--data", data.toString(), "--normal", "train/good", "--out", model.toString(),
                "--epochs", "1", "--image-size", "64", "--batch-size", "2");
        assertThat(train.exit()).as(train.stderr()).isZero();
        assertThat(train.stdout()).contains("layout: folder (auto-detected)").contains("training on 5 images").contains("saved");

        Path out = tmp.resolve("test-masks");
        CliRun test = CliRun.of("test", "--model", model.toString(), "--data", data.toString(), "--layout", "folder",
                "--normal", "train/good", "--abnormal", "test/scratch", "--masks", "ground_truth/scratch", "--out",
                out.toString());
        assertThat(test.exit()).as(test.stderr()).isZero();
        assertThat(test.stdout()).contains("layout: folder\n");
        JsonNode metrics = json(out.resolve("metrics.json"));
        assertThat(metrics.get("image_auroc").isNumber()).isTrue();
        assertThat(metrics.get("pixel_auroc").isNumber()).isTrue();
        assertThat(out.resolve("maps/test/abnormal/000.npy")).isRegularFile();
        assertThat(out.resolve("report.html")).isRegularFile();

        Path noMasks = tmp.resolve("test-no-masks");
        CliRun imageOnly = CliRun.of("test", "--model", model.toString(), "--data", data.toString(),
                "--normal", "train/good", "--abnormal", "test/scratch", "--out", noMasks.toString());
        assertThat(imageOnly.exit()).as(imageOnly.stderr()).isZero();
        JsonNode m = json(noMasks.resolve("metrics.json"));
        assertThat(m.get("image_auroc").isNumber()).isTrue();
        assertThat(m.get("pixel_auroc").isNull()).isTrue();
        assertThat(m.get("notes").get("pixel_auroc").asText()).isEqualTo("not available: no ground-truth masks");
    }

    @Test
    void mvtec2TrainsOnItsValidationSetAndTestsThePrivateSplitWithoutMetrics() throws IOException {
        Path data = mvtec2(TinyCategory.write(tmp.resolve("tiny")), tmp.resolve("can"));
        Path model = tmp.resolve("models/can.stfpm");
        CliRun train = CliRun.of("train", "--data", data.toString(), "--out", model.toString(),
                "--epochs", "1", "--image-size", "64", "--batch-size", "2");
        assertThat(train.exit()).as(train.stderr()).isZero();
        assertThat(train.stdout()).contains("layout: mvtec2 (auto-detected)")
                .contains("training on 4 images of " + data + ", validating on its 2 validation images");
        try (StfpmModel m = StfpmModel.load(model)) {
            TrainingHistory h = m.history();
            assertThat(h.trainImages()).isEqualTo(4);
            assertThat(h.validationImages()).isEqualTo(2);
        }

        Path pub = tmp.resolve("test-public");
        CliRun test = CliRun.of("test", "--model", model.toString(), "--data", data.toString(), "--out", pub.toString());
        assertThat(test.exit()).as(test.stderr()).isZero();
        JsonNode metrics = json(pub.resolve("metrics.json"));
        assertThat(metrics.get("image_auroc").isNumber()).isTrue();
        assertThat(metrics.get("pixel_auroc").isNumber()).isTrue();
        assertThat(metrics.get("per_defect").has("bad")).isTrue();
        assertThat(pub.resolve("maps/test/bad/scratch.npy")).isRegularFile();

        Path priv = tmp.resolve("test-private");
        CliRun hidden = CliRun.of("test", "--model", model.toString(), "--data", data.toString(), "--split",
                "test_private", "--out", priv.toString(), "--save-calibration");
        assertThat(hidden.exit()).as(hidden.stderr()).isZero();
        assertThat(hidden.stdout()).contains("image_auroc: not available: no ground truth").doesNotContain("NaN")
                .doesNotContain("thresholds saved");
        JsonNode none = json(priv.resolve("metrics.json"));
        assertThat(none.get("image_auroc").isNull()).isTrue();
        assertThat(none.get("pixel_auroc").isNull()).isTrue();
        assertThat(none.get("au_pro").isNull()).isTrue();
        assertThat(none.get("notes").get("image_auroc").asText()).startsWith("not available: no ground truth");
        assertThat(none.get("image_scores")).hasSize(6);
        assertThat(priv.resolve("maps/test/test_private/scratch.npy")).isRegularFile();
        assertThat(Files.readString(priv.resolve("report.md"))).contains("not available: no ground truth");
        assertThat(priv.resolve("calibration.json")).doesNotExist();

        Path evaluated = tmp.resolve("evaluate-private");
        CliRun evaluate = CliRun.of("evaluate", "--dataset", data.toString(), "--split", "test_private",
                "--anomaly-maps", priv.resolve("maps").toString(), "--out", evaluated.toString());
        assertThat(evaluate.exit()).as(evaluate.stderr()).isZero();
        assertThat(evaluated.resolve("metrics.json")).isRegularFile();

        CliRun badSplit = CliRun.of("test", "--model", model.toString(), "--data", data.toString(), "--split",
                "test_secret", "--out", tmp.resolve("test-secret").toString());
        assertThat(badSplit.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(badSplit.stderr().strip()).isEqualTo("stfpm test: " + data
                + ": MVTec AD 2 has no test split 'test_secret' (it has test_public, test_private, test_private_mixed)");
    }

    @Test
    void aFolderInNoLayoutIsBadInputNamingWhatEachLayoutLacks() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun train = CliRun.of("train", "--data", empty.toString(), "--out", tmp.resolve("m.stfpm").toString());
        assertThat(train.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(train.stderr().strip().lines()).hasSize(1);
        assertThat(train.stderr()).contains(empty + ": no known data set layout: mvtec lacks test/ and train/good/;")
                .contains("mvtec2 lacks").contains("visa lacks split_csv/1cls.csv").contains("--normal DIR");
    }

    /**
     * Rearranges a tiny MVTec AD category as an MVTec AD 2 object: 4 training and 2 validation images; the good test
     * image and one image per defect type as test_public's good and bad, with masks; the same 6 images as test_private.
     */
    private static Path mvtec2(Path tiny, Path root) throws IOException {
        for (int i = 0; i < 6; i++) {
            String name = String.format("%03d.png", i);
            copy(tiny.resolve("train/good").resolve(name), root.resolve(i < 4 ? "train/good" : "validation/good").resolve(name));
        }
        copy(tiny.resolve("test/good/000.png"), root.resolve("test_public/good/000.png"));
        copy(tiny.resolve("test/good/000.png"), root.resolve("test_private/good.png"));
        try (var defects = Files.list(tiny.resolve("test"))) {
            for (Path dir : defects.filter(d -> !d.getFileName().toString().equals("good")).toList()) {
                String defect = dir.getFileName().toString();
                copy(dir.resolve("000.png"), root.resolve("test_public/bad").resolve(defect + ".png"));
                copy(tiny.resolve("ground_truth").resolve(defect).resolve("000_mask.png"),
                        root.resolve("test_public/ground_truth/bad").resolve(defect + "_mask.png"));
                copy(dir.resolve("000.png"), root.resolve("test_private").resolve(defect + ".png"));
            }
        }
        return root;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }
}
