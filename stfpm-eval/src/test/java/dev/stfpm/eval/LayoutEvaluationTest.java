package dev.stfpm.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.core.data.Dataset;
import dev.stfpm.core.data.DatasetLayout;
import dev.stfpm.core.data.DatasetOptions;
import dev.stfpm.core.data.TestImage;
import dev.stfpm.core.io.Npy;
import dev.stfpm.eval.report.ReportWriter;
import dev.stfpm.eval.report.TerminalSummary;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MapEvaluator} on the layouts other than MVTec AD's: VisA's non-binary masks, MVTec AD 2's private test set
 * without ground truth (metrics not available, in every report), and folders without masks.
 */
class LayoutEvaluationTest {

    private static final int SIDE = 8;

    @TempDir
    Path tmp;

    @Test
    void visaMasksMarkEveryNonZeroPixelAsDefect() throws IOException {
        Path root = tmp.resolve("visa");
        image(root.resolve("candle/Data/Images/Normal/0000.JPG"));
        image(root.resolve("candle/Data/Images/Normal/0001.JPG"));
        image(root.resolve("candle/Data/Images/Anomaly/000.JPG"));
        image(root.resolve("candle/Data/Images/Anomaly/001.JPG"));
        mask(root.resolve("candle/Data/Masks/Anomaly/000.png"), 1);
        mask(root.resolve("candle/Data/Masks/Anomaly/001.png"), 37);
        Files.createDirectories(root.resolve("split_csv"));
        Files.writeString(root.resolve("split_csv/1cls.csv"), "object,split,label,image,mask\n"
                + "candle,train,normal,candle/Data/Images/Normal/0000.JPG,\n"
                + "candle,test,normal,candle/Data/Images/Normal/0001.JPG,\n"
                + "candle,test,anomaly,candle/Data/Images/Anomaly/000.JPG,candle/Data/Masks/Anomaly/000.png\n"
                + "candle,test,anomaly,candle/Data/Images/Anomaly/001.JPG,candle/Data/Masks/Anomaly/001.png\n");
        Dataset visa = DatasetLayout.detect(root.resolve("candle"), DatasetOptions.NONE);
        Path maps = writeMaps(visa);

        EvaluationResult r = MapEvaluator.evaluate(visa, maps, 0.3, Map.of(), (done, total) -> { });
        assertThat(r.category()).isEqualTo("candle");
        assertThat(r.overall().pixel().anomalousPixels()).as("values 1 and 37 are defect pixels").isEqualTo(2 * 16);
        assertThat(r.overall().pixelAuroc()).isEqualTo(1.0);
        assertThat(r.overall().imageAuroc()).isEqualTo(1.0);
        assertThat(r.perDefect()).containsOnlyKeys("anomaly");
    }

    @Test
    void aTestSetWithoutGroundTruthHasScoresAndMetricsNotAvailable() throws IOException {
        Path root = tmp.resolve("can");
        image(root.resolve("train/good/000.png"));
        image(root.resolve("test_private/000.png"));
        image(root.resolve("test_private/001.png"));
        Dataset priv = DatasetLayout.detect(root, DatasetOptions.NONE.withSplit("test_private"));
        Path maps = writeMaps(priv);
        int[] last = new int[2];

        EvaluationResult r = MapEvaluator.evaluate(priv, maps, 0.3, Map.of(), (done, total) -> {
            last[0] = done;
            last[1] = total;
        });
        assertThat(last[0]).isEqualTo(last[1]);
        assertThat(r.images()).hasSize(2).noneMatch(ImageResult::labelled).noneMatch(ImageResult::anomalous);
        assertThat(r.overall().imageAuroc()).isNull();
        assertThat(r.overall().pixelAuroc()).isNull();
        assertThat(r.overall().notes()).containsEntry("image_auroc",
                "not available: no ground truth (the test images are unlabelled)");
        assertThat(r.imageThreshold()).isEmpty();

        Path out = tmp.resolve("report");
        ReportWriter.write(r, out);
        JsonNode json = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertThat(json.get("image_auroc").isNull()).isTrue();
        assertThat(json.get("au_pro").isNull()).isTrue();
        assertThat(json.get("notes").get("pixel_auroc").asText()).startsWith("not available: no ground truth");
        assertThat(json.get("image_scores").get(0).get("anomalous").isNull()).isTrue();
        assertThat(Files.readString(out.resolve("metrics.json"))).doesNotContain("NaN");
        assertThat(Files.readString(out.resolve("report.md"))).contains("not available: no ground truth");
        assertThat(Files.readString(out.resolve("report.html"))).contains("not available: no ground truth");
        assertThat(out.resolve("images/test_private/001.png")).isRegularFile();
        assertThat(TerminalSummary.of(r)).contains("image_auroc: not available: no ground truth").doesNotContain("NaN");
    }

    @Test
    void foldersWithoutMasksGetImageMetricsOnly() throws IOException {
        Path root = tmp.resolve("parts");
        for (String name : new String[] {"good/0.png", "good/1.png", "good/2.png", "bad/a.png"}) {
            image(root.resolve(name));
        }
        Dataset parts = DatasetLayout.detect(root, DatasetOptions.NONE.withFolders(Path.of("good"), Path.of("bad"), null, null));
        EvaluationResult r = MapEvaluator.evaluate(parts, writeMaps(parts), 0.3, Map.of(), (done, total) -> { });
        assertThat(r.overall().imageAuroc()).isEqualTo(1.0);
        assertThat(r.overall().pixelAuroc()).isNull();
        assertThat(r.overall().notes().get("pixel_auroc")).isEqualTo("not available: no ground-truth masks");
    }

    /** Writes a map per test image: 0.9 on its mask's pixels, 0.5 elsewhere on defect images, 0.1 on good ones. */
    private Path writeMaps(Dataset data) throws IOException {
        Path maps = tmp.resolve("maps-" + data.root().getFileName());
        for (TestImage t : data.testImages()) {
            float[] map = new float[SIDE * SIDE];
            boolean[] mask = t.mask().isPresent() ? MapFiles.readMask(t.mask().get(), SIDE, SIDE) : new boolean[map.length];
            for (int i = 0; i < map.length; i++) {
                map[i] = mask[i] ? 0.9f : t.isGood() ? 0.1f : 0.5f;
            }
            Npy.write(t.mapPath(maps), map, SIDE, SIDE);
        }
        return maps;
    }

    private static void image(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        String name = file.getFileName().toString();
        ImageIO.write(new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB), name.endsWith(".JPG") ? "jpg" : "png",
                file.toFile());
    }

    /** A grey mask holding {@code value} in its top-left 4x4 block, 0 elsewhere. */
    private static void mask(Path file, int value) throws IOException {
        BufferedImage m = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < SIDE / 2; y++) {
            for (int x = 0; x < SIDE / 2; x++) {
                m.getRaster().setSample(x, y, 0, value);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(m, "png", file.toFile());
    }
}
