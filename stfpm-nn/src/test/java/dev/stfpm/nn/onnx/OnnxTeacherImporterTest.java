package dev.stfpm.nn.onnx;

import static dev.stfpm.nn.onnx.OnnxTestModels.Conv;
import static dev.stfpm.nn.onnx.OnnxTestModels.Options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stfpm.nn.ConvWeights;
import dev.stfpm.nn.ResNet18;
import dev.stfpm.nn.TeacherWeights;
import dev.stfpm.nn.onnx.ReferenceResNet.Map3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The importer on ResNet-18 models built here, ONNX Runtime as the oracle. */
class OnnxTeacherImporterTest {

    /** Folded batch norm: convolutions with bias, as the shared teacher file. */
    private static final Map<String, Conv> FOLDED = OnnxTestModels.randomParams(1, 3, false);
    /** Explicit batch norm after bias-free convolutions. */
    private static final Map<String, Conv> EXPLICIT = OnnxTestModels.randomParams(2, 3, true);

    @TempDir
    Path tmp;

    private Path write(String name, ModelProto model) throws IOException {
        return write(name, model.toByteArray());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void foldedModelImportsTheWeightsUnchanged() throws IOException {
        TeacherWeights tw = OnnxTeacherImporter.read(write("folded.onnx",
                OnnxTestModels.model(FOLDED, Options.DEFAULT)));

        assertThat(tw.convs()).hasSize(15);
        assertThat(tw.convs().keySet()).containsExactlyInAnyOrderElementsOf(ResNet18.convNames(3));
        for (Conv c : FOLDED.values()) {
            ConvWeights cw = tw.conv(c.name());
            assertThat(new int[] {cw.outChannels(), cw.inChannels(), cw.kernelH(), cw.kernelW()}).as(c.name())
                    .containsExactly(c.cout(), c.cin(), c.k(), c.k());
            assertThat(Arrays.equals(cw.weight(), c.w())).as(c.name() + " weight").isTrue();
            assertThat(Arrays.equals(cw.bias(), c.b())).as(c.name() + " bias").isTrue();
        }
    }

    @Test
    void floatDataIdentityNodesConstantsAndNodeOrderDoNotMatter() throws IOException {
        TeacherWeights plain = OnnxTeacherImporter.read(write("b.onnx",
                OnnxTestModels.model(EXPLICIT, Options.DEFAULT)));
        TeacherWeights tricky = OnnxTeacherImporter.read(write("tricky.onnx",
                OnnxTestModels.model(EXPLICIT, new Options(true, false, true))));

        for (String name : ResNet18.convNames(3)) {
            assertThat(Arrays.equals(tricky.conv(name).weight(), plain.conv(name).weight())).as(name).isTrue();
            assertThat(Arrays.equals(tricky.conv(name).bias(), plain.conv(name).bias())).as(name).isTrue();
        }
    }

    @Test
    void explicitBatchNormIsFoldedIntoTheConvolution() throws IOException {
        TeacherWeights tw = OnnxTeacherImporter.read(write("b.onnx", OnnxTestModels.model(EXPLICIT, Options.DEFAULT)));

        assertThat(tw.convs()).hasSize(15);
        // conv1: default epsilon (attribute left out); downsample: epsilon attribute 1e-3
        for (Object[] check : new Object[][] {{"conv1", 0}, {"layer2.0.downsample.0", 5}, {"layer3.1.conv2", 255}}) {
            String name = (String) check[0];
            int o = (Integer) check[1];
            Conv c = EXPLICIT.get(name);
            OnnxTestModels.Bn bn = c.bn();
            double s = bn.gamma()[o] / Math.sqrt(bn.var()[o] + (double) bn.epsilon());
            int per = c.cin() * c.k() * c.k();
            ConvWeights cw = tw.conv(name);
            for (int i = 0; i < per; i++) {
                assertThat((double) cw.weight()[o * per + i]).as(name + " weight " + i)
                        .isCloseTo(c.w()[o * per + i] * s, within(1e-7));
            }
            double bias = (0 - bn.mean()[o]) * s + bn.beta()[o];
            assertThat((double) cw.bias()[o]).as(name + " bias").isCloseTo(bias,
                    within(1e-7));
        }
        assertThat(EXPLICIT.get("layer2.0.downsample.0").bn().epsilon()).isEqualTo(1e-3f);
        assertThat(EXPLICIT.get("conv1").bn().epsilon()).isEqualTo(1e-5f);
    }

    @Test
    void importedWeightsReproduceOnnxRuntime() throws Exception {
        ModelProto explicit = OnnxTestModels.model(EXPLICIT, Options.DEFAULT);
        TeacherWeights tw = OnnxTeacherImporter.read(write("b.onnx", explicit));
        int h = 64;
        int w = 48;
        float[] x = OnnxTestModels.randomInput(11, 3 * h * w);
        String[] layers = {"layer1", "layer2", "layer3"};
        Map<String, float[]> ort = OnnxTestModels.runOrt(explicit.toByteArray(), x, 3, h, w, layers);

        // 1. a hand-written forward pass from the imported (folded) weights
        Map<String, Map3> ref = ReferenceResNet.forward(tw, new Map3(3, h, w, x));
        // 2. the folded export rebuilt from the imported weights, in ONNX Runtime
        byte[] refolded = OnnxTestModels.model(OnnxTestModels.fromTeacher(tw), Options.DEFAULT).toByteArray();
        Map<String, float[]> ortFolded = OnnxTestModels.runOrt(refolded, x, 3, h, w, layers);

        int[][] shapes = {{64, 16, 12}, {128, 8, 6}, {256, 4, 3}};
        for (int i = 0; i < 3; i++) {
            String layer = layers[i];
            Map3 r = ref.get(layer);
            assertThat(new int[] {r.c(), r.h(), r.w()}).containsExactly(shapes[i]);
            float[] expected = ort.get(layer);
            assertThat(maxAbs(expected)).as(layer + " magnitude").isBetween(0.5, 50.0);
            assertClose(layer + " reference vs ORT", r.v(), expected, 1e-4);
            assertClose(layer + " refolded vs explicit in ORT", ortFolded.get(layer), expected, 1e-4);
        }
    }

    @Test
    void classifierGraphsAreCutAfterTheTrunk() throws Exception {
        Map<String, Conv> full = OnnxTestModels.randomParams(2, 4, true); // same first 15 as EXPLICIT
        ModelProto classifier = OnnxTestModels.model(full, new Options(false, true, false));
        // a valid model: ONNX Runtime runs it
        float[] logits = OnnxTestModels.runOrt(classifier.toByteArray(), OnnxTestModels.randomInput(5, 3 * 64 * 64),
                3, 64, 64, "logits").get("logits");
        assertThat(logits).hasSize(10);

        TeacherWeights fromClassifier = OnnxTeacherImporter.read(write("resnet18.onnx", classifier));
        TeacherWeights fromTrunk = OnnxTeacherImporter.read(write("trunk.onnx",
                OnnxTestModels.model(EXPLICIT, Options.DEFAULT)));

        assertThat(fromTrunk.convs()).as("a trunk ending at layer3").hasSize(15);
        assertThat(fromClassifier.convs()).as("layer4 read, the head ignored").hasSize(20);
        for (String name : fromTrunk.convs().keySet()) {
            assertThat(Arrays.equals(fromClassifier.conv(name).weight(), fromTrunk.conv(name).weight())).as(name)
                    .isTrue();
            assertThat(Arrays.equals(fromClassifier.conv(name).bias(), fromTrunk.conv(name).bias())).as(name).isTrue();
        }
        TeacherWeights threeStageHead = OnnxTeacherImporter.read(write("head3.onnx",
                OnnxTestModels.model(EXPLICIT, new Options(false, true, false))));
        assertThat(threeStageHead.convs()).as("a head right after layer3").hasSize(15);
    }

    @Test
    void doubleAndHalfPrecisionTensorsAreConverted() throws IOException {
        ModelProto.Builder m = OnnxTestModels.model(FOLDED, Options.DEFAULT).toBuilder();
        TensorProto.Builder t = m.getGraphBuilder().getInitializerBuilder(0); // conv1's weight
        float[] w = FOLDED.get("conv1").w();
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(8 * w.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : w) {
            bb.putDouble(v);
        }
        t.setDataType(TensorProto.DataType.DOUBLE_VALUE)
                .setRawData(org.nd4j.shade.protobuf.ByteString.copyFrom(bb.array()));
        TeacherWeights tw = OnnxTeacherImporter.read(write("double.onnx", m.build()));
        assertThat(Arrays.equals(tw.conv("conv1").weight(), w)).isTrue();

        assertThat(OnnxTensors.halfToFloat(0x3c00)).isEqualTo(1f);
        assertThat(OnnxTensors.halfToFloat(0xc000)).isEqualTo(-2f);
        assertThat(OnnxTensors.halfToFloat(0x3555)).isEqualTo(0.33325195f);
        assertThat(OnnxTensors.halfToFloat(0x7bff)).isEqualTo(65504f);
        assertThat(OnnxTensors.halfToFloat(0x0001)).isEqualTo(0x1p-24f);
        assertThat(OnnxTensors.halfToFloat(0x8000)).isEqualTo(-0f);
        assertThat(OnnxTensors.halfToFloat(0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
    }

    // ------------------------------------------------------------------------------------------
    // refused files

    @Test
    void randomBytesAreNotAnOnnxModel() throws IOException {
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        Path p = write("junk.onnx", junk);
        assertThatThrownBy(() -> OnnxTeacherImporter.read(p)).isInstanceOf(OnnxImportException.class)
                .hasMessageStartingWith(p.toString()).hasMessageContaining("not an ONNX model").hasNoCause();
    }

    @Test
    void textAndEmptyFilesAreNotOnnxModels() throws IOException {
        Path text = write("readme.onnx", "This is not a model, just some text.\n".getBytes());
        assertThatThrownBy(() -> OnnxTeacherImporter.read(text)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining(text.toString()).hasMessageContaining("not an ONNX model");
        Path empty = write("empty.onnx", new byte[0]);
        assertThatThrownBy(() -> OnnxTeacherImporter.read(empty)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining("empty");
    }

    @Test
    void truncatedFileIsRefused() throws IOException {
        byte[] bytes = OnnxTestModels.model(FOLDED, Options.DEFAULT).toByteArray();
        Path p = write("truncated.onnx", Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> OnnxTeacherImporter.read(p)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("truncated").hasNoCause();
    }

    @Test
    void missingFileIsNamed() {
        Path p = tmp.resolve("nowhere.onnx");
        assertThatThrownBy(() -> OnnxTeacherImporter.read(p)).isInstanceOf(OnnxImportException.class)
                .hasMessage(p + ": no such file");
    }

    @Test
    void wrongConvolutionShapeNamesTheNodeAndBothShapes() throws IOException {
        Map<String, Conv> params = new LinkedHashMap<>(FOLDED);
        Conv c = params.get("layer2.0.conv2");
        params.put(c.name(), new Conv(c.name(), c.cin(), c.cout(), 5, 1, 2, new float[c.cout() * c.cin() * 25],
                c.b(), null));
        Path p = write("wrong-shape.onnx", OnnxTestModels.model(params, Options.DEFAULT));
        assertThatThrownBy(() -> OnnxTeacherImporter.read(p)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("node '/layer2/layer2.0/conv2/Conv' (Conv)")
                .hasMessageContaining("layer2.0.conv2")
                .hasMessageContaining("expected weight shape [128, 128, 3, 3], found [128, 128, 5, 5]");
    }

    @Test
    void wrongChannelsAndStridesAreRefused() throws IOException {
        Map<String, Conv> params = new LinkedHashMap<>(FOLDED);
        Conv c = params.get("conv1");
        params.put("conv1", new Conv("conv1", 3, 32, 7, 2, 3, new float[32 * 3 * 49], new float[32], null));
        Path p = write("narrow.onnx", OnnxTestModels.model(params, Options.DEFAULT));
        assertThatThrownBy(() -> OnnxTeacherImporter.read(p)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining("node '/conv1/Conv' (Conv)")
                .hasMessageContaining("expected weight shape [64, 3, 7, 7], found [32, 3, 7, 7]");

        params.put("conv1", c);
        Conv d = params.get("layer1.1.conv1");
        params.put(d.name(), new Conv(d.name(), d.cin(), d.cout(), 3, 2, 1, d.w(), d.b(), null));
        Path q = write("strided.onnx", OnnxTestModels.model(params, Options.DEFAULT));
        assertThatThrownBy(() -> OnnxTeacherImporter.read(q)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining("node '/layer1/layer1.1/conv1/Conv' (Conv)")
                .hasMessageContaining("expected strides=[1, 1], found strides=[2, 2]");
    }

    @Test
    void groupedConvolutionIsRefused() throws IOException {
        ModelProto.Builder m = OnnxTestModels.model(FOLDED, Options.DEFAULT).toBuilder();
        NodeProto.Builder n = m.getGraphBuilder().getNodeBuilderList().stream()
                .filter(b -> b.getName().equals("/layer3/layer3.1/conv2/Conv")).findFirst().orElseThrow();
        for (int i = 0; i < n.getAttributeCount(); i++) {
            if (n.getAttribute(i).getName().equals("group")) {
                n.setAttribute(i, OnnxTestModels.ints("group", 2));
            }
        }
        Path p = write("grouped.onnx", m.build());
        assertThatThrownBy(() -> OnnxTeacherImporter.read(p)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining("node '/layer3/layer3.1/conv2/Conv' (Conv)")
                .hasMessageContaining("expected group=1, found group=2");
    }

    @Test
    void modelWithoutLayer3IsRefused() throws IOException {
        Map<String, Conv> twoStages = OnnxTestModels.randomParams(1, 2, false);
        Path p = write("layer1-2.onnx", OnnxTestModels.model(twoStages, Options.DEFAULT));
        assertThatThrownBy(() -> OnnxTeacherImporter.read(p)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("layer3.0")
                .hasMessageContaining("up to layer3");
    }

    @Test
    void externalDataIsRefused() throws IOException {
        ModelProto.Builder m = OnnxTestModels.model(FOLDED, Options.DEFAULT).toBuilder();
        TensorProto.Builder t = m.getGraphBuilder().getInitializerBuilder(0); // conv1's weight
        String name = t.getName();
        t.clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("model.onnx.data"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("0"));
        Path p = write("external.onnx", m.build());
        assertThatThrownBy(() -> OnnxTeacherImporter.read(p)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("node '/conv1/Conv' (Conv)")
                .hasMessageContaining(name)
                .hasMessageContaining("external data in 'model.onnx.data'");
    }

    @Test
    void preprocessingBeforeConv1IsRefused() throws IOException {
        ModelProto.Builder m = OnnxTestModels.model(FOLDED, Options.DEFAULT).toBuilder();
        NodeProto.Builder conv1 = m.getGraphBuilder().getNodeBuilder(0);
        assertThat(conv1.getName()).isEqualTo("/conv1/Conv");
        conv1.setInput(0, "normalised");
        m.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("mean")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(0.5f));
        m.getGraphBuilder().addNode(0, NodeProto.newBuilder().setOpType("Sub").setName("/Sub")
                .addInput("input").addInput("mean").addOutput("normalised"));
        Path p = write("normalising.onnx", m.build());
        assertThatThrownBy(() -> OnnxTeacherImporter.read(p)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining("conv1 (Conv) to read the graph input 'input'")
                .hasMessageContaining("node '/Sub' (Sub)");
    }

    // ------------------------------------------------------------------------------------------

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** |a − b| ≤ tol·(1 + |b|) everywhere. */
    static void assertClose(String what, float[] actual, float[] expected, double tol) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i]));
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        assertThat(worst).as(what + ": worst relative difference, at index " + at).isLessThanOrEqualTo(tol);
    }
}
