package dev.stfpm.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.nn.FeaturePyramid;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.TeacherWeights;
import dev.stfpm.nn.TrainingHistory;
import dev.stfpm.nn.onnx.OnnxTestModels.Conv;
import dev.stfpm.nn.onnx.OnnxTestModels.Options;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code layer4}, the paper's block 5 (its Table 3): imported from a generated ONNX ResNet-18 that has
 * it, computed by the network as ONNX Runtime computes the file, exported again, and refused in one
 * line when the teacher has no {@code layer4}.
 */
class Layer4Test {

    private static final StfpmConfig CONFIG = StfpmConfig.paper().withImageSize(64)
            .withPyramidLevels(List.of("layer3", "layer4"));

    private static TeacherWeights fourStages() throws OnnxImportException {
        Map<String, Conv> params = OnnxTestModels.randomParams(4, 4, true);
        return OnnxTeacherImporter.read(OnnxTestModels.model(params, Options.DEFAULT).toByteArray(), "four-stages.onnx");
    }

    @Test
    void layer4IsImportedAndComputedAsOnnxRuntimeComputesIt() throws Exception {
        Map<String, Conv> params = OnnxTestModels.randomParams(4, 4, true);
        byte[] onnx = OnnxTestModels.model(params, Options.DEFAULT).toByteArray();
        TeacherWeights weights = OnnxTeacherImporter.read(onnx, "four-stages.onnx");
        assertThat(weights.convs()).hasSize(20).containsKeys("layer4.0.conv1", "layer4.0.downsample.0", "layer4.1.conv2");

        float[] x = OnnxTestModels.randomInput(9, 3 * 64 * 64);
        float[] expected = OnnxTestModels.runOrt(onnx, x, 3, 64, 64, "layer4").get("layer4");
        INDArray nhwc = Nd4j.create(x, new long[] {1, 3, 64, 64}, 'c').permute(0, 2, 3, 1).dup('c');
        INDArray[] features = FeaturePyramid.teacher(weights, CONFIG).features(nhwc);
        assertThat(features).hasSize(2);
        assertThat(features[1].shape()).containsExactly(1, 512, 2, 2);
        float[] actual = features[1].dup('c').data().asFloat();
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(scale).as("layer4 magnitude").isGreaterThan(0.1);
        assertThat(worst).isLessThanOrEqualTo(1e-4 * Math.max(1, scale));
    }

    @Test
    void aModelWithLayer4ExportsTheSameMaps() throws Exception {
        var history = new TrainingHistory("data", 1, 0, "four-stages.onnx", "-", List.of(), 0, 0, "now", "test", 0);
        try (StfpmModel model = new StfpmModel(CONFIG, FeaturePyramid.teacher(fourStages(), CONFIG),
                FeaturePyramid.student(CONFIG), history, null)) {
            float[] x = OnnxTestModels.randomInput(3, 2 * 3 * 64 * 64);
            INDArray expected = model.anomalyMaps(Nd4j.create(x, new long[] {2, 3, 64, 64}, 'c').permute(0, 2, 3, 1).dup('c'));
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(OnnxExporter.export(model, OnnxExporter.InputForm.TENSOR),
                    new OrtSession.SessionOptions());
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {2, 3, 64, 64});
                 OrtSession.Result out = session.run(Map.of(OnnxExporter.INPUT, input))) {
                FloatBuffer maps = ((OnnxTensor) out.get(OnnxExporter.MAP).orElseThrow()).getFloatBuffer();
                float[] e = expected.data().asFloat();
                double worst = 0;
                for (int i = 0; i < e.length; i++) {
                    worst = Math.max(worst, Math.abs(maps.get(i) - e[i]));
                }
                assertThat(worst).isLessThanOrEqualTo(1e-4);
            }
        }
    }

    @Test
    void aTeacherEndingAtLayer3IsRefusedForLayer4InOneLine() throws Exception {
        Teacher shipped = Teacher.imagenetResNet18();
        assertThat(shipped.weights().convs()).hasSize(15);
        assertThatThrownBy(() -> shipped.pyramid(CONFIG)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(shipped.source() + ": the teacher ends before layer4")
                .hasMessageContaining("export torchvision's ResNet-18 up to layer4");
    }
}
