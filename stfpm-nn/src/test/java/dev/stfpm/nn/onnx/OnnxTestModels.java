package dev.stfpm.nn.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stfpm.nn.ConvWeights;
import dev.stfpm.nn.TeacherWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Builds ResNet-18-layout ONNX models the way {@code torch.onnx.export} writes them (torch-style
 * node and tensor names, opset 13), with random weights, and runs models in ONNX Runtime.
 */
final class OnnxTestModels {

    private OnnxTestModels() {
    }

    /** Batch norm parameters of one convolution. */
    record Bn(float[] gamma, float[] beta, float[] mean, float[] var, float epsilon) {
    }

    /**
     * One convolution: geometry, weights, optional bias and optional explicit batch norm.
     */
    record Conv(String name, int cin, int cout, int k, int stride, int pad, float[] w, float[] b, Bn bn) {
    }

    /**
     * How to write the model.
     *
     * @param floatData  store tensors in {@code float_data} instead of {@code raw_data}
     * @param classifier append GlobalAveragePool, Flatten and Gemm after the last stage
     * @param tricks     route weights through Identity nodes, give BN parameters as Constant
     *                   nodes and shuffle the node list (not valid for ONNX Runtime then)
     */
    record Options(boolean floatData, boolean classifier, boolean tricks) {
        static final Options DEFAULT = new Options(false, false, false);
    }

    /** Geometry of the convolutions up to {@code stages} stages (name → {cin, cout, k, stride, pad}). */
    static Map<String, int[]> layout(int stages) {
        int[] width = {64, 64, 128, 256, 512};
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("conv1", new int[] {3, 64, 7, 2, 3});
        for (int s = 1; s <= stages; s++) {
            int in = width[s - 1];
            int out = width[s];
            int stride = s == 1 ? 1 : 2;
            m.put("layer" + s + ".0.conv1", new int[] {in, out, 3, stride, 1});
            m.put("layer" + s + ".0.conv2", new int[] {out, out, 3, 1, 1});
            if (s > 1) {
                m.put("layer" + s + ".0.downsample.0", new int[] {in, out, 1, stride, 0});
            }
            m.put("layer" + s + ".1.conv1", new int[] {out, out, 3, 1, 1});
            m.put("layer" + s + ".1.conv2", new int[] {out, out, 3, 1, 1});
        }
        return m;
    }

    /**
     * Random parameters of moderate magnitude (activations stay of order one).
     *
     * @param explicitBn convolutions without bias followed by batch norm, else convolutions with bias
     */
    static Map<String, Conv> randomParams(long seed, int stages, boolean explicitBn) {
        Random r = new Random(seed);
        Map<String, Conv> m = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, int[]> e : layout(stages).entrySet()) {
            int[] g = e.getValue();
            int cin = g[0];
            int cout = g[1];
            int k = g[2];
            float std = (float) Math.sqrt(1.0 / (cin * k * k));
            float[] w = new float[cout * cin * k * k];
            for (int j = 0; j < w.length; j++) {
                w[j] = (float) (r.nextGaussian() * std);
            }
            Bn bn = null;
            float[] b = null;
            if (explicitBn) {
                float[] gamma = new float[cout];
                float[] beta = new float[cout];
                float[] mean = new float[cout];
                float[] var = new float[cout];
                for (int o = 0; o < cout; o++) {
                    gamma[o] = 0.4f + 0.6f * r.nextFloat();
                    beta[o] = 0.2f * (r.nextFloat() - 0.5f);
                    mean[o] = 0.2f * (r.nextFloat() - 0.5f);
                    var[o] = 0.5f + r.nextFloat();
                }
                // alternate the default epsilon (attribute left out) and an explicit one
                bn = new Bn(gamma, beta, mean, var, i % 2 == 0 ? 1e-5f : 1e-3f);
            } else {
                b = new float[cout];
                for (int o = 0; o < cout; o++) {
                    b[o] = 0.2f * (r.nextFloat() - 0.5f);
                }
            }
            m.put(e.getKey(), new Conv(e.getKey(), cin, cout, k, g[3], g[4], w, b, bn));
            i++;
        }
        return m;
    }

    /** Folded parameters (conv with bias) from imported teacher weights. */
    static Map<String, Conv> fromTeacher(TeacherWeights tw) {
        Map<String, Conv> m = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : layout(3).entrySet()) {
            int[] g = e.getValue();
            ConvWeights cw = tw.conv(e.getKey());
            m.put(e.getKey(), new Conv(e.getKey(), g[0], g[1], g[2], g[3], g[4], cw.weight(), cw.bias(), null));
        }
        return m;
    }

    /** Builds the model; the number of stages follows from the parameters. */
    static ModelProto model(Map<String, Conv> params, Options opt) {
        return new Writer(params, opt).build();
    }

    /** Writes one model. */
    private static final class Writer {
        private final Map<String, Conv> params;
        private final Options opt;
        private final GraphProto.Builder g = GraphProto.newBuilder().setName("main_graph");
        private final List<NodeProto> nodes = new ArrayList<>();
        private int counter = 100;

        Writer(Map<String, Conv> params, Options opt) {
            this.params = params;
            this.opt = opt;
        }

        ModelProto build() {
            int stages = params.containsKey("layer4.0.conv1") ? 4 : params.containsKey("layer3.0.conv1") ? 3
                    : params.containsKey("layer2.0.conv1") ? 2 : 1;
            g.addInput(valueInfo("input", "N", 3, "H", "W"));
            String x = conv("/conv1/Conv", params.get("conv1"), "input");
            x = node("Relu", "/relu/Relu", List.of(x), List.of());
            x = node("MaxPool", "/maxpool/MaxPool", List.of(x), List.of(ints("ceil_mode", 0),
                    ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", 2, 2)));
            List<String> outputs = new ArrayList<>();
            for (int s = 1; s <= stages; s++) {
                for (int blk = 0; blk < 2; blk++) {
                    String p = "layer" + s + "." + blk;
                    String scope = "/layer" + s + "/" + p;
                    String in = x;
                    String y = conv(scope + "/conv1/Conv", params.get(p + ".conv1"), in);
                    y = node("Relu", scope + "/relu/Relu", List.of(y), List.of());
                    y = conv(scope + "/conv2/Conv", params.get(p + ".conv2"), y);
                    String shortcut = in;
                    if (params.containsKey(p + ".downsample.0")) {
                        shortcut = conv(scope + "/downsample/downsample.0/Conv", params.get(p + ".downsample.0"), in);
                    }
                    y = node("Add", scope + "/Add", List.of(y, shortcut), List.of());
                    String outName = blk == 1 && !opt.classifier() ? "layer" + s : null;
                    x = node("Relu", scope + "/relu_1/Relu", List.of(y), List.of(), outName);
                }
                outputs.add(x);
            }
            if (opt.classifier()) {
                x = node("GlobalAveragePool", "/avgpool/GlobalAveragePool", List.of(x), List.of());
                x = node("Flatten", "/Flatten", List.of(x), List.of(ints("axis", 1)));
                int classes = 10;
                Random r = new Random(7);
                float[] fw = new float[classes * 512];
                for (int i = 0; i < fw.length; i++) {
                    fw[i] = (float) (r.nextGaussian() * 0.05);
                }
                String wName = initializer("fc.weight", fw, classes, 512);
                String bName = initializer("fc.bias", new float[classes], classes);
                node("Gemm", "/fc/Gemm", List.of(x, wName, bName), List.of(f("alpha", 1f), f("beta", 1f),
                        ints("transB", 1)), "logits");
                g.addOutput(valueInfo("logits", "N", classes));
            } else {
                for (int s = 1; s <= stages; s++) {
                    g.addOutput(valueInfo("layer" + s, "N", 64 << Math.max(0, s - 1), "h" + s, "w" + s));
                }
            }
            if (opt.tricks()) {
                Collections.shuffle(nodes, new Random(3));
            }
            g.addAllNode(nodes);
            return ModelProto.newBuilder().setIrVersion(8).setProducerName("pytorch").setProducerVersion("2.1.0")
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
        }

        /** Conv (+ BatchNormalization); returns the output tensor. */
        String conv(String nodeName, Conv c, String in) {
            List<String> inputs = new ArrayList<>(List.of(in));
            inputs.add(weight(c.w(), c.cout(), c.cin(), c.k(), c.k()));
            if (c.b() != null) {
                inputs.add(weight(c.b(), c.cout()));
            }
            String y = node("Conv", nodeName, inputs, List.of(ints("dilations", 1, 1), ints("group", 1),
                    ints("kernel_shape", c.k(), c.k()), ints("pads", c.pad(), c.pad(), c.pad(), c.pad()),
                    ints("strides", c.stride(), c.stride())));
            if (c.bn() == null) {
                return y;
            }
            Bn bn = c.bn();
            List<String> bnInputs = new ArrayList<>(List.of(y));
            for (float[] v : List.of(bn.gamma(), bn.beta(), bn.mean(), bn.var())) {
                if (opt.tricks()) {
                    String name = "/Constant_" + counter++ + "_output_0";
                    nodes.add(NodeProto.newBuilder().setOpType("Constant").setName(name.replace("_output_0", ""))
                            .addOutput(name).addAttribute(AttributeProto.newBuilder().setName("value")
                                    .setType(AttributeProto.AttributeType.TENSOR).setT(tensor(name, v, v.length)))
                            .build());
                    bnInputs.add(name);
                } else {
                    bnInputs.add(weight(v, v.length));
                }
            }
            List<AttributeProto> attrs = new ArrayList<>(List.of(f("momentum", 0.9f)));
            if (bn.epsilon() != 1e-5f) {
                attrs.add(f("epsilon", bn.epsilon()));
            }
            return node("BatchNormalization", nodeName.replace("/Conv", "/BatchNormalization"), bnInputs, attrs);
        }

        /** A weight initializer with a torch-style name, behind an Identity node when tricks are on. */
        String weight(float[] v, int... dims) {
            String name = initializer("onnx::Conv_" + counter++, v, dims);
            if (!opt.tricks()) {
                return name;
            }
            String alias = "/Identity_" + counter++ + "_output_0";
            nodes.add(NodeProto.newBuilder().setOpType("Identity").setName("/Identity_" + counter++)
                    .addInput(name).addOutput(alias).build());
            return alias;
        }

        String initializer(String name, float[] v, int... dims) {
            g.addInitializer(tensor(name, v, dims));
            return name;
        }

        TensorProto tensor(String name, float[] v, int... dims) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                    .setDataType(TensorProto.DataType.FLOAT_VALUE);
            for (int d : dims) {
                t.addDims(d);
            }
            if (opt.floatData()) {
                for (float f : v) {
                    t.addFloatData(f);
                }
            } else {
                t.setRawData(ByteString.copyFrom(littleEndian(v)));
            }
            return t.build();
        }

        String node(String op, String name, List<String> inputs, List<AttributeProto> attrs) {
            return node(op, name, inputs, attrs, null);
        }

        String node(String op, String name, List<String> inputs, List<AttributeProto> attrs, String out) {
            String output = out != null ? out : name + "_output_0";
            nodes.add(NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output)
                    .addAllAttribute(attrs).build());
            return output;
        }
    }

    static byte[] littleEndian(float[] v) {
        ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(v);
        return bb.array();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (values.length == 1 && !name.equals("kernel_shape") && !name.equals("strides") && !name.equals("pads")
                && !name.equals("dilations")) {
            return a.setType(AttributeProto.AttributeType.INT).setI(values[0]).build();
        }
        a.setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto f(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    /** A float tensor value info; dims are Integers (fixed) or Strings (symbolic). */
    static ValueInfoProto valueInfo(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder b = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Integer i) {
                b.setDimValue(i);
            } else {
                b.setDimParam((String) d);
            }
            shape.addDim(b);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    /** A float tensor value info without shape. */
    static ValueInfoProto valueInfo(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))).build();
    }

    /**
     * Runs a model in ONNX Runtime, graph optimisations off (so batch norms run as batch norms).
     *
     * @param input   one image, CHW
     * @param outputs the outputs to fetch
     * @return the outputs, flattened
     */
    static Map<String, float[]> runOrt(byte[] model, float[] input, int channels, int h, int w, String... outputs)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            so.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(model, so);
                    OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input),
                            new long[] {1, channels, h, w});
                    OrtSession.Result r = session.run(Map.of("input", t), Set.of(outputs))) {
                Map<String, float[]> m = new HashMap<>();
                for (String name : outputs) {
                    OnnxValue v = r.get(name).orElseThrow();
                    FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                    float[] a = new float[fb.remaining()];
                    fb.get(a);
                    m.put(name, a);
                }
                return m;
            }
        }
    }

    /** Uniform random values in [-1, 1). */
    static float[] randomInput(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 2 * r.nextFloat() - 1;
        }
        return x;
    }
}
