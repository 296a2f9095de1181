package dev.stfpm.nn.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Writes an ONNX graph node by node: operators with their attributes, float and int64 constants
 * (stored as initializers, little-endian {@code raw_data}), inputs and outputs. Tensor names are made
 * unique from a readable stem ({@code student/layer1.0.conv1}, {@code student/layer1.0.conv1_1}, …).
 * Knows nothing of ResNets or STFPM.
 */
final class OnnxGraphBuilder {

    private final GraphProto.Builder graph;
    private final Map<String, Integer> used = new HashMap<>();
    /** Small constants already added, by stem and value, so that each is stored once. */
    private final Map<String, String> constants = new HashMap<>();

    /** @param name the graph's name */
    OnnxGraphBuilder(String name) {
        graph = GraphProto.newBuilder().setName(name);
    }

    /** An attribute of a node. */
    record Attr(AttributeProto proto) {

        static Attr ints(String name, long... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            return new Attr(a.build());
        }

        static Attr integer(String name, long value) {
            return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
                    .setI(value).build());
        }

        static Attr string(String name, String value) {
            return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8(value)).build());
        }
    }

    /**
     * Adds a node with one output.
     *
     * @param op     the operator type ({@code Conv}, {@code Relu}, …)
     * @param stem   the output's name, made unique
     * @param inputs input tensor names ({@code ""} for an omitted optional input)
     * @param attrs  attributes
     * @return the output's name
     */
    String node(String op, String stem, String[] inputs, Attr... attrs) {
        String out = unique(stem);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out).addOutput(out);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (Attr a : attrs) {
            n.addAttribute(a.proto());
        }
        graph.addNode(n);
        return out;
    }

    /** {@link #node} with the inputs listed inline. */
    String op(String op, String stem, String... inputs) {
        return node(op, stem, inputs);
    }

    /**
     * Adds a float32 constant.
     *
     * @param stem   its name, made unique
     * @param values row-major values
     * @param shape  its shape
     * @return its name
     */
    String floats(String stem, float[] values, long... shape) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return initializer(stem, TensorProto.DataType.FLOAT_VALUE, raw, shape);
    }

    /** A float32 scalar constant. */
    String scalar(String stem, float value) {
        return constants.computeIfAbsent(stem + "=" + value, k -> floats(stem, new float[] {value}));
    }

    /** A one-dimensional int64 constant (axes, shapes, sizes). */
    String longs(String stem, long... values) {
        return constants.computeIfAbsent(stem + "=" + java.util.Arrays.toString(values), k -> int64(stem, values));
    }

    private String int64(String stem, long... values) {
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return initializer(stem, TensorProto.DataType.INT64_VALUE, raw, values.length);
    }

    private String initializer(String stem, int type, ByteBuffer raw, long... shape) {
        String name = unique(stem);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(raw.array()));
        for (long d : shape) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /**
     * Declares a graph input.
     *
     * @param name     its name
     * @param elemType {@link TensorProto.DataType} value
     * @param dims     each dimension: a {@link Long} size or a {@link String} symbolic name
     */
    void input(String name, int elemType, Object... dims) {
        used.put(name, 1);
        graph.addInput(valueInfo(name, elemType, dims));
    }

    /**
     * Declares a graph output, produced by the node whose output is {@code tensor}, and renames that
     * output to {@code name}.
     */
    void output(String tensor, String name, int elemType, Object... dims) {
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto.Builder n = graph.getNodeBuilder(i);
            for (int o = 0; o < n.getOutputCount(); o++) {
                if (n.getOutput(o).equals(tensor)) {
                    n.setOutput(o, name);
                }
            }
            for (int in = 0; in < n.getInputCount(); in++) {
                if (n.getInput(in).equals(tensor)) {
                    n.setInput(in, name);
                }
            }
        }
        graph.addOutput(valueInfo(name, elemType, dims));
    }

    private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder b = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String symbol) {
                b.setDimParam(symbol);
            } else {
                b.setDimValue(((Number) d).longValue());
            }
            shape.addDim(b);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }

    private String unique(String stem) {
        int n = used.merge(stem, 1, Integer::sum);
        return n == 1 ? stem : stem + "_" + (n - 1);
    }

    /** @return the graph */
    GraphProto build() {
        return graph.build();
    }
}
