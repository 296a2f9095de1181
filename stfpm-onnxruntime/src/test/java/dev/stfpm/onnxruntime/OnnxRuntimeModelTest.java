package dev.stfpm.onnxruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.BadInputException;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.nn.FeaturePyramid;
import dev.stfpm.nn.Prediction;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.TrainingHistory;
import dev.stfpm.nn.onnx.OnnxExporter;
import dev.stfpm.nn.onnx.Teacher;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX Runtime engine against the Deeplearning4j one, on the same image files. */
class OnnxRuntimeModelTest {

    private static final StfpmConfig CONFIG = StfpmConfig.paper().withImageSize(64);
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;
    private static StfpmModel model;
    private static List<Path> images;

    @BeforeAll
    static void setUp() throws IOException {
        var history = new TrainingHistory("data", 4, 1, "teacher.onnx", Teacher.IMAGENET_RESNET18_SHA256, List.of(), 0, 0,
                "now", "test", 0);
        model = new StfpmModel(CONFIG, FeaturePyramid.teacher(Teacher.imagenetResNet18().weights(), CONFIG),
                FeaturePyramid.student(CONFIG), history, new AnomalyCalibration(0.3, 0.2, 0.01, 0.9, "test set"));
        images = new ArrayList<>();
        Random random = new Random(5);
        for (int i = 0; i < 10; i++) {
            int w = 40 + random.nextInt(100);
            int h = 40 + random.nextInt(100);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    img.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            Path file = dir.resolve("image" + i + ".png");
            ImageIO.write(img, "png", file.toFile());
            images.add(file);
        }
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    private static void assertSamePredictions(List<Prediction> actual, List<Prediction> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            Prediction a = actual.get(i);
            Prediction e = expected.get(i);
            assertThat(a.image()).isEqualTo(e.image());
            assertThat((double) a.score()).isCloseTo(e.score(), org.assertj.core.data.Offset.offset(TOLERANCE));
            double worst = 0;
            for (int p = 0; p < a.map().length; p++) {
                worst = Math.max(worst, Math.abs(a.map()[p] - e.map()[p]));
            }
            assertThat(worst).as("max |map difference| of %s", a.image()).isLessThanOrEqualTo(TOLERANCE);
            assertThat(a.anomalous()).isEqualTo(e.anomalous());
        }
    }

    @Test
    void givesTheMapsAndScoresOfTheDeeplearning4jEngine() throws IOException {
        try (OnnxRuntimeModel ort = OnnxRuntimeModel.of(model)) {
            assertSamePredictions(ort.predict(images), model.predict(images));
            BufferedImage frame = ImageIO.read(images.get(0).toFile());
            assertThat((double) ort.predict(frame).score())
                    .isCloseTo(model.predict(frame).score(), org.assertj.core.data.Offset.offset(TOLERANCE));
            assertThat(ort.calibration()).isEqualTo(model.calibration());
        }
    }

    @Test
    void anExportedFileCarriesEverythingTheEngineNeeds() throws IOException {
        Path file = dir.resolve("model.onnx");
        OnnxExporter.write(model, OnnxExporter.InputForm.TENSOR, file);
        try (OnnxRuntimeModel ort = OnnxRuntimeModel.load(file)) {
            assertThat(ort.config()).isEqualTo(model.config());
            assertThat(ort.history()).isEqualTo(model.history());
            assertThat(ort.calibration()).isEqualTo(model.calibration());
            assertSamePredictions(ort.predict(images.subList(0, 3)), model.predict(images.subList(0, 3)));
        }
    }

    @Test
    void refusesFilesItCannotRunWithTheirName() throws IOException {
        Path garbage = Files.write(dir.resolve("garbage.onnx"), new byte[] {1, 2, 3, 4});
        assertThatThrownBy(() -> OnnxRuntimeModel.load(garbage)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(garbage + ": not an ONNX model");
        assertThatThrownBy(() -> OnnxRuntimeModel.load(dir.resolve("missing.onnx"))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("no such ONNX model file");
        Path imageForm = dir.resolve("image-form.onnx");
        OnnxExporter.write(model, OnnxExporter.InputForm.IMAGE, imageForm);
        assertThatThrownBy(() -> OnnxRuntimeModel.load(imageForm)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("--with-preprocessing");
        Path teacherOnly = dir.resolve("teacher.onnx");
        try (var in = Teacher.class.getClassLoader().getResourceAsStream(Teacher.RESOURCE)) {
            Files.copy(in, teacherOnly);
        }
        assertThatThrownBy(() -> OnnxRuntimeModel.load(teacherOnly)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("not an stfpm-java export");
    }

    @Test
    void aClosedModelSaysSo() {
        OnnxRuntimeModel ort = OnnxRuntimeModel.of(model);
        ort.close();
        ort.close();
        assertThatThrownBy(() -> ort.predict(images)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
