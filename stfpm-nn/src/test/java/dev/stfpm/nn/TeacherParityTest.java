package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.NpyArray;
import dev.stfpm.nn.dl4j.Dl4jWorkarounds;
import dev.stfpm.nn.onnx.Teacher;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The shipped ImageNet teacher reproduces an independent PyTorch forward pass. */
class TeacherParityTest {

    @Test
    void teacherReproducesParityVectorOnAllThreeLevels() throws Exception {
        Map<String, NpyArray> parity = Npy.readNpz(parityVectors());
        FeaturePyramid teacher = Teacher.imagenetResNet18().pyramid(StfpmConfig.paper());
        assertThat(Dl4jWorkarounds.isOneDnnActive(teacher.graph())).as("convolutions run on oneDNN").isTrue();

        NpyArray input = parity.get("input");
        INDArray nchw = Nd4j.create(input.data(), toLong(input.shape()), 'c');
        INDArray[] features = teacher.features(nchw.permute(0, 2, 3, 1).dup('c'));

        String[] levels = {"layer1", "layer2", "layer3"};
        for (int l = 0; l < levels.length; l++) {
            NpyArray expected = parity.get(levels[l]);
            assertThat(features[l].shape()).as(levels[l]).containsExactly(toLong(expected.shape()));
            float[] actual = features[l].dup('c').data().asFloat();
            double maxError = 0;
            for (int i = 0; i < actual.length; i++) {
                maxError = Math.max(maxError, Math.abs(actual[i] - expected.data()[i]));
            }
            assertThat(maxError).as("max abs error of %s", levels[l]).isLessThanOrEqualTo(1e-3);
        }
    }

    /**
     * @return the parity vectors: an input and the teacher's features of it computed by PyTorch
     *         (a copy of ../shared/weights/teacher-parity.npz, committed so the test runs everywhere)
     */
    static Path parityVectors() throws URISyntaxException {
        return Path.of(TeacherParityTest.class.getResource("teacher-parity.npz").toURI());
    }

    private static long[] toLong(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[i];
        }
        return out;
    }
}
