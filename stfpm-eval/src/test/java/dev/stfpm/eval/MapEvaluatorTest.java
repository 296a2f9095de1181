package dev.stfpm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.io.Npy;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MapEvaluator} on tiny data sets written to disk, with metrics worked out by hand. */
class MapEvaluatorTest {

    private static final double EPS = 1e-6;

    @TempDir
    Path tmp;

    @Test
    void handWorkedCase() throws IOException {
        TinyDataset ds = TinyDataset.handCase(tmp);
        EvaluationResult r = MapEvaluator.evaluate(ds.root, ds.maps, 0.3);
        MetricSet o = r.overall();
        // normal pixels 0.1 0.2 0.3 0.4 | 0.2 0.25 0.1; the one defect pixel 0.3: 5 below, 1 tied, of 7
        assertThat(o.pixelAuroc()).isCloseTo(5.5 / 7, within(EPS));
        // PRO points (1/7,0) (2/7,1) (3/7,1) (5/7,1) (1,1): area to 0.3 = 1/14 + (0.3 - 2/7), over 0.3
        assertThat(o.auPro()).isCloseTo(2.0 / 7, within(EPS));
        assertThat(MapEvaluator.evaluate(ds.root, ds.maps, 1.0).overall().auPro()).isCloseTo(11.0 / 14, within(EPS));
        // image scores: good 0.4, crack 0.3
        assertThat(o.imageAuroc()).isCloseTo(0.0, within(EPS));
        assertThat(r.perDefect()).containsOnlyKeys("crack");
        assertThat(r.perDefect().get("crack").pixelAuroc()).isCloseTo(5.5 / 7, within(EPS));
        assertThat(o.pixel().regions()).isEqualTo(1);
        assertThat(r.images()).extracting(ImageResult::key).containsExactly("crack/000", "good/000");
        assertThat(r.pixelMin()).isCloseTo(0.1, within(EPS));
        assertThat(r.pixelMax()).isCloseTo(0.4, within(EPS));

        AnomalyCalibration c = CalibrationFitter.fit(r);
        assertThat(c.imageThreshold()).isCloseTo(0.3, within(EPS));
        assertThat(c.pixelThreshold()).isCloseTo(0.3, within(EPS));
        assertThat(c.min()).isCloseTo(0.1, within(EPS));
        assertThat(c.max()).isCloseTo(0.4, within(EPS));
        assertThat(c.fittedOn()).contains("optimistic");
        boolean[] mask = new boolean[4];
        mask[0] = true;
        AnomalyCalibration inMemory = CalibrationFitter.fit(List.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f},
                new float[] {0.3f, 0.2f, 0.25f, 0.1f}), 2, 2, new boolean[] {false, true}, Arrays.asList(null, mask), "x");
        assertThat(inMemory.imageThreshold()).isEqualTo(c.imageThreshold());
        assertThat(inMemory.pixelThreshold()).isEqualTo(c.pixelThreshold());
    }

    @Test
    void perDefectScoresEachTypeAgainstTheGoodImages() throws IOException {
        TinyDataset ds = new TinyDataset(tmp)
                .add("good", "000", new float[] {0.1f, 0.4f}, 2, 1, null, 0)
                .add("big", "000", new float[] {0.9f, 0.0f}, 2, 1, new boolean[] {true, false, true, false}, 2)
                .add("small", "000", new float[] {0.15f, 0.3f}, 2, 1, new boolean[] {true, false, true, false}, 2);
        EvaluationResult r = MapEvaluator.evaluate(ds.root, ds.maps, 1.0);
        assertThat(r.overall().imageAuroc()).isCloseTo(0.5, within(EPS));
        assertThat(r.perDefect().get("big").imageAuroc()).isCloseTo(1.0, within(EPS));
        assertThat(r.perDefect().get("small").imageAuroc()).isCloseTo(0.0, within(EPS));
        // small: defect pixel 0.15 against normal 0.1 0.4 (good) and 0.3 (its own) -> 1/3
        assertThat(r.perDefect().get("small").pixelAuroc()).isCloseTo(1.0 / 3, within(EPS));
        assertThat(r.perDefect().get("big").pixelAuroc()).isCloseTo(1.0, within(EPS));
        assertThat(r.perDefect().get("small").normalImages()).isEqualTo(1);
    }

    @Test
    void allNormalTestSetHasUndefinedMetricsWithReasons() throws IOException {
        TinyDataset ds = new TinyDataset(tmp)
                .add("good", "000", new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 2, 2, null, 0)
                .add("good", "001", new float[] {0.5f, 0.2f, 0.3f, 0.4f}, 2, 2, null, 0);
        EvaluationResult r = MapEvaluator.evaluate(ds.root, ds.maps, 0.3);
        assertThat(r.overall().imageAuroc()).isNull();
        assertThat(r.overall().pixelAuroc()).isNull();
        assertThat(r.overall().auPro()).isNull();
        assertThat(r.overall().notes().get("image_auroc")).contains("no anomalous test images");
        assertThat(r.overall().notes().get("au_pro")).contains("only good images");
        assertThat(r.imageThreshold()).isEmpty();
        assertThat(CalibrationFitter.fitIfDefined(r)).isEmpty();
        assertThatThrownBy(() -> CalibrationFitter.fit(r)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no anomalous images");
    }

    @Test
    void defectImageWithoutMaskIsLeftOutOfPixelMetrics() throws IOException {
        TinyDataset ds = TinyDataset.handCase(tmp)
                .add("crack", "001", new float[] {9f, 9f, 9f, 9f}, 2, 2, null, 0);
        EvaluationResult r = MapEvaluator.evaluate(ds.root, ds.maps, 0.3);
        assertThat(r.overall().pixelAuroc()).isCloseTo(5.5 / 7, within(EPS));
        assertThat(r.overall().notes().get("masks")).contains("crack/001");
        assertThat(r.perDefect().get("crack").notes()).containsKey("masks");
        assertThat(r.images()).filteredOn(i -> i.key().equals("crack/001")).singleElement()
                .satisfies(i -> assertThat(i.inPixelMetrics()).isFalse());
        // still an image: crack scores 0.3 and 9 against good 0.4
        assertThat(r.overall().imageAuroc()).isCloseTo(0.5, within(EPS));
    }

    @Test
    void noMasksAtAllMeansNoPixelMetrics() throws IOException {
        TinyDataset ds = new TinyDataset(tmp)
                .add("good", "000", new float[] {0.1f, 0.2f}, 2, 1, null, 0)
                .add("crack", "000", new float[] {0.5f, 0.2f}, 2, 1, null, 0);
        EvaluationResult r = MapEvaluator.evaluate(ds.root, ds.maps, 0.3);
        assertThat(r.overall().imageAuroc()).isEqualTo(1.0);
        assertThat(r.overall().pixelAuroc()).isNull();
        assertThat(r.overall().notes().get("pixel_auroc")).contains("no ground-truth masks");
        assertThat(r.images()).noneMatch(ImageResult::inPixelMetrics);
        // without masks the pixel threshold falls back to the image threshold
        assertThat(CalibrationFitter.fit(r).pixelThreshold()).isEqualTo(CalibrationFitter.fit(r).imageThreshold());
    }

    @Test
    void nonFiniteMapIsAnErrorNamingTheFile() throws IOException {
        TinyDataset ds = TinyDataset.handCase(tmp)
                .add("crack", "002", new float[] {0f, Float.POSITIVE_INFINITY, 0f, 0f}, 2, 2, new boolean[16], 4);
        assertThatThrownBy(() -> MapEvaluator.evaluate(ds.root, ds.maps, 0.3)).isInstanceOf(IOException.class)
                .hasMessageContaining(ds.maps.resolve("test/crack/002.npy").toString())
                .hasMessageContaining("Infinity").hasMessageContaining("row 0, column 1");
        Npy.write(ds.maps.resolve("test/crack/002.npy"), new float[] {0f, 0f, Float.NaN, 0f}, 2, 2);
        assertThatThrownBy(() -> MapEvaluator.evaluate(ds.root, ds.maps, 0.3)).hasMessageContaining("002.npy")
                .hasMessageContaining("NaN");
    }

    @Test
    void missingMapOrBadShapeOrBadLimitIsAnError() throws IOException {
        TinyDataset ds = TinyDataset.handCase(tmp);
        Files.delete(ds.maps.resolve("test/good/000.npy"));
        assertThatThrownBy(() -> MapEvaluator.evaluate(ds.root, ds.maps, 0.3)).isInstanceOf(IOException.class)
                .hasMessageContaining(ds.maps.resolve("test/good/000.npy").toString())
                .hasMessageContaining("no anomaly map");
        Npy.write(ds.maps.resolve("test/good/000.npy"), new float[8], 2, 2, 2);
        assertThatThrownBy(() -> MapEvaluator.evaluate(ds.root, ds.maps, 0.3)).hasMessageContaining("shape [2, 2, 2]");
        assertThatThrownBy(() -> MapEvaluator.evaluate(ds.root, ds.maps, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> MapEvaluator.evaluate(tmp.resolve("nope"), ds.maps, 0.3))
                .isInstanceOf(IOException.class).hasMessageContaining("nope");
    }

    @Test
    void readsFloatTiffMaps() throws IOException {
        TinyDataset ds = TinyDataset.handCase(tmp);
        Path npy = ds.maps.resolve("test/crack/000.npy");
        float[] values = Npy.read(npy).data();
        Files.delete(npy);
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_FLOAT);
        WritableRaster raster = cm.createCompatibleWritableRaster(2, 2);
        raster.setSamples(0, 0, 2, 2, 0, values);
        BufferedImage img = new BufferedImage(cm, raster, false, null);
        assertThat(ImageIO.write(img, "tiff", ds.maps.resolve("test/crack/000.tiff").toFile())).isTrue();
        EvaluationResult r = MapEvaluator.evaluate(ds.root, ds.maps, 0.3);
        assertThat(r.overall().pixelAuroc()).isCloseTo(5.5 / 7, within(EPS));
        assertThat(r.images().get(0).map().getFileName().toString()).isEqualTo("000.tiff");
    }

    @Test
    void givenImageScoresReplaceTheMapMaximum() throws IOException {
        TinyDataset ds = TinyDataset.handCase(tmp);
        Path csv = tmp.resolve("scores.csv");
        Files.writeString(csv, "path,score\n/data/tiny/test/good/000.png,0.2\ncrack/000,0.7\n");
        Map<String, Double> scores = MapEvaluator.readImageScores(csv);
        assertThat(scores).containsOnlyKeys("good/000", "crack/000");
        EvaluationResult r = MapEvaluator.evaluate(ds.root, ds.maps, 0.3, scores);
        assertThat(r.overall().imageAuroc()).isEqualTo(1.0);
        assertThat(r.imageScore()).startsWith("given");
        Files.writeString(csv, "image,score\ncrack/000,0.7\n");
        assertThatThrownBy(() -> MapEvaluator.evaluate(ds.root, ds.maps, 0.3, MapEvaluator.readImageScores(csv)))
                .hasMessageContaining("good/000");
        Files.writeString(csv, "image,score\ncrack/000,abc\n");
        assertThatThrownBy(() -> MapEvaluator.readImageScores(csv)).hasMessageContaining("scores.csv:2");
    }
}
