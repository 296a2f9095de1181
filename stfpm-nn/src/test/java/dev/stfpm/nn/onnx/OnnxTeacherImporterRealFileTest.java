package dev.stfpm.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.NpyArray;
import dev.stfpm.nn.ConvWeights;
import dev.stfpm.nn.ResNet18;
import dev.stfpm.nn.TeacherWeights;
import dev.stfpm.nn.onnx.ReferenceResNet.Map3;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;

/** The shipped teacher file: ResNet-18 trained on ImageNet, batch norm folded, conv1 … layer3. */
class OnnxTeacherImporterRealFileTest {

    private static byte[] teacherBytes() throws IOException {
        try (InputStream in = Teacher.class.getClassLoader().getResourceAsStream(Teacher.RESOURCE)) {
            assertThat(in).as("the shipped teacher on the test class path").isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void importsFifteenConvolutionsWithTorchvisionShapes() throws Exception {
        TeacherWeights tw = Teacher.imagenetResNet18().weights();

        assertThat(tw.convs()).hasSize(15);
        Map<String, int[]> layout = OnnxTestModels.layout(3);
        assertThat(layout.keySet()).containsExactlyElementsOf(ResNet18.convNames(3));
        for (Map.Entry<String, int[]> e : layout.entrySet()) {
            ConvWeights cw = tw.conv(e.getKey());
            int[] g = e.getValue();
            assertThat(new int[] {cw.outChannels(), cw.inChannels(), cw.kernelH(), cw.kernelW()}).as(e.getKey())
                    .containsExactly(g[1], g[0], g[2], g[2]);
            // trained weights: not all zero, and biases (folded batch norm) present
            assertThat(OnnxTeacherImporterTest.maxAbs(cw.weight())).as(e.getKey()).isGreaterThan(1e-3);
            assertThat(OnnxTeacherImporterTest.maxAbs(cw.bias())).as(e.getKey()).isGreaterThan(1e-3);
        }
    }

    /**
     * conv1 from the imported weights, by hand on a few crops of the parity input, against the
     * conv1 output that ONNX Runtime computes from the file (exposed as an extra graph output):
     * checks the OIHW layout and the bias.
     */
    @Test
    void conv1MatchesOnnxRuntimeOnTheParityInput() throws Exception {
        byte[] file = teacherBytes();
        TeacherWeights tw = OnnxTeacherImporter.read(file, "shipped teacher");
        NpyArray input = Npy.readNpz(Path.of(Teacher.class.getResource("/dev/stfpm/nn/teacher-parity.npz").toURI()))
                .get("input");
        assertThat(input.shape()).containsExactly(1, 3, 256, 256);

        ModelProto.Builder m = ModelProto.parseFrom(file).toBuilder();
        NodeProto conv1 = m.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Conv") && n.getInput(0).equals("input")).findFirst().orElseThrow();
        String conv1Out = conv1.getOutput(0);
        m.getGraphBuilder().addOutput(OnnxTestModels.valueInfo(conv1Out));
        float[] ort = OnnxTestModels.runOrt(m.build().toByteArray(), input.data(), 3, 256, 256, conv1Out).get(conv1Out);
        assertThat(ort).hasSize(64 * 128 * 128);

        // crops of the input feeding output rows/columns [0, 6) (padded border) and [60, 66) × [100, 106)
        for (int[] crop : List.of(new int[] {0, 0}, new int[] {60, 100})) {
            int oy0 = crop[0];
            int ox0 = crop[1];
            int n = 6;
            // input window of the crop, with the network's zero padding (3) made explicit
            int size = (n - 1) * 2 + 7;
            float[] window = new float[3 * size * size];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        int iy = oy0 * 2 - 3 + y;
                        int ix = ox0 * 2 - 3 + x;
                        if (iy >= 0 && iy < 256 && ix >= 0 && ix < 256) {
                            window[(c * size + y) * size + x] = input.data()[(c * 256 + iy) * 256 + ix];
                        }
                    }
                }
            }
            Map3 ref = ReferenceResNet.conv(new Map3(3, size, size, window), tw.conv("conv1"), 2, 0);
            assertThat(new int[] {ref.c(), ref.h(), ref.w()}).containsExactly(64, n, n);
            float[] expected = new float[64 * n * n];
            for (int c = 0; c < 64; c++) {
                for (int y = 0; y < n; y++) {
                    for (int x = 0; x < n; x++) {
                        expected[(c * n + y) * n + x] = ort[(c * 128 + oy0 + y) * 128 + ox0 + x];
                    }
                }
            }
            assertThat(OnnxTeacherImporterTest.maxAbs(expected)).isGreaterThan(0.1);
            OnnxTeacherImporterTest.assertClose("conv1 at " + Arrays.toString(crop), ref.v(), expected, 1e-4);
        }
    }
}
