package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.StfpmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class StfpmModelTest {

    private static final StfpmConfig SMALL = StfpmConfig.paper().withImageSize(64);

    private static StfpmModel untrained() {
        var history = new TrainingHistory("data", 1, 0, "teacher.onnx", "00", List.of(), 0, 0, "now", "test");
        return new StfpmModel(SMALL, FeaturePyramid.teacher(SMALL), FeaturePyramid.student(SMALL), history, null);
    }

    @Test
    void pyramidHasThePapersShapes() {
        FeaturePyramid teacher = FeaturePyramid.teacher(StfpmConfig.paper());
        INDArray[] f = teacher.features(Nd4j.zeros(DataType.FLOAT, 1, 256, 256, 3));
        assertThat(f).hasSize(3);
        assertThat(f[0].shape()).containsExactly(1, 64, 64, 64);
        assertThat(f[1].shape()).containsExactly(1, 128, 32, 32);
        assertThat(f[2].shape()).containsExactly(1, 256, 16, 16);
        assertThat(OneDnn.isActive(teacher.graph())).isTrue();
    }

    @Test
    void fewerLevelsGiveFewerOutputs() {
        StfpmConfig two = SMALL.withPyramidLevels(List.of("layer1", "layer2"));
        INDArray[] f = FeaturePyramid.student(two).features(Nd4j.zeros(DataType.FLOAT, 2, 64, 64, 3));
        assertThat(f).hasSize(2);
        assertThat(f[1].shape()).containsExactly(2, 128, 8, 8);
    }

    @Test
    void foldedStudentComputesTheStudentsFeatures() {
        FeaturePyramid teacher = FeaturePyramid.teacher(SMALL);
        FeaturePyramid student = FeaturePyramid.student(SMALL);
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 64, 64, 3);
        var batch = new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x}, teacher.features(x));
        for (int i = 0; i < 3; i++) {
            student.graph().fit(batch); // moves running statistics, γ and β away from their initial values
        }
        INDArray[] expected = student.features(x);
        INDArray[] folded = student.foldBatchNorm(SMALL).features(x);
        for (int l = 0; l < expected.length; l++) {
            double scale = expected[l].amaxNumber().doubleValue();
            double maxError = expected[l].sub(folded[l]).amaxNumber().doubleValue();
            assertThat(maxError).as("level %d, features up to %.3g", l, scale).isLessThan(1e-4 * scale);
        }
    }

    @Test
    void saveAndLoadGiveIdenticalMaps(@TempDir Path dir) throws IOException {
        StfpmModel model = untrained().withCalibration(new AnomalyCalibration(0.5, 0.4, 0.1, 0.9, "test set"));
        Nd4j.getRandom().setSeed(11);
        INDArray images = Nd4j.randn(DataType.FLOAT, 2, 64, 64, 3);
        INDArray before = model.anomalyMaps(images);
        Path file = dir.resolve("sub/model.stfpm");
        model.save(file);
        StfpmModel loaded = StfpmModel.load(file);
        assertThat(loaded.anomalyMaps(images).equalsWithEps(before, 0)).isTrue();
        assertThat(loaded.config()).isEqualTo(SMALL);
        assertThat(loaded.history()).isEqualTo(model.history());
        assertThat(loaded.calibration()).isEqualTo(model.calibration());
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.stfpm");
        }
    }

    @Test
    void loadRefusesOtherFilesWithTheirName(@TempDir Path dir) throws IOException {
        Path junk = dir.resolve("junk.stfpm");
        Files.writeString(junk, "not a model");
        assertThatThrownBy(() -> StfpmModel.load(junk)).isInstanceOf(IOException.class)
                .hasMessageContaining(junk.toString()).hasMessageContaining("not an STFPM model file");
        assertThatThrownBy(() -> StfpmModel.load(dir.resolve("missing.stfpm"))).isInstanceOf(IOException.class)
                .hasMessageContaining("missing.stfpm");
    }
}
