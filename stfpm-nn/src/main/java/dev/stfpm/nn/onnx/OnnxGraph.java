package dev.stfpm.nn.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * An ONNX model's graph, indexed for walking it by structure: which node produces each tensor,
 * which nodes read it (and as which input), and which tensors are constants (initializers or
 * {@code Constant} nodes). {@code Identity} nodes are looked through: every tensor name is taken
 * to its {@linkplain #canonical canonical} name, the tensor the chain of Identities starts from.
 * Also names nodes for error messages. Knows nothing of ResNets.
 */
final class OnnxGraph {

    /** Guards against Identity cycles in malformed graphs. */
    private static final int MAX_IDENTITY_CHAIN = 10_000;

    /** The model's file name or resource, for messages. */
    private final String source;
    private final GraphProto graph;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<Use>> uses = new HashMap<>();

    /** A node reading a tensor as its input number {@code index}. */
    record Use(NodeProto node, int index) {
    }

    private OnnxGraph(String source, GraphProto graph) {
        this.source = source;
        this.graph = graph;
    }

    /**
     * Decodes an ONNX model and indexes its graph.
     *
     * @param source where the bytes came from, named in error messages
     * @param bytes  the model file's contents
     * @return the indexed graph
     * @throws OnnxImportException if the bytes are not an ONNX model with graph nodes, or Identity
     *                             nodes form a cycle
     */
    static OnnxGraph parse(String source, byte[] bytes) throws OnnxImportException {
        if (bytes.length == 0) {
            throw new OnnxImportException(source, "not an ONNX model: the file is empty");
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            // no cause attached: a protobuf stack trace helps nobody here
            throw new OnnxImportException(source, "not an ONNX model, or a truncated one: it cannot be decoded as an"
                    + " ONNX ModelProto (" + e.getMessage() + ")");
        }
        if (model.getIrVersion() <= 0 || !model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new OnnxImportException(source, "not an ONNX model: it decodes as protobuf but has "
                    + (model.getIrVersion() <= 0 ? "no IR version" : "no graph nodes"));
        }
        OnnxGraph g = new OnnxGraph(source, model.getGraph());
        g.index();
        return g;
    }

    private void index() throws OnnxImportException {
        for (TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (NodeProto n : graph.getNodeList()) {
            for (String out : n.getOutputList()) {
                if (!out.isEmpty()) {
                    producers.put(out, n);
                }
            }
            if (n.getOpType().equals("Constant") && isOnnxDomain(n) && n.getOutputCount() == 1) {
                TensorProto t = constantValue(n);
                if (t != null) {
                    constants.put(n.getOutput(0), t);
                }
            }
        }
        for (NodeProto n : graph.getNodeList()) {
            if (n.getOpType().equals("Identity")) {
                continue; // looked through by canonical()
            }
            for (int i = 0; i < n.getInputCount(); i++) {
                String in = n.getInput(i);
                if (!in.isEmpty()) {
                    uses.computeIfAbsent(canonical(in), k -> new ArrayList<>()).add(new Use(n, i));
                }
            }
        }
    }

    /** A Constant node's value as a tensor, or null if it is not a float tensor or list. */
    private static TensorProto constantValue(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return a.hasT() ? a.getT() : null;
                case "value_float":
                    return TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                            .addFloatData(a.getF()).build();
                case "value_floats":
                    return TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                            .addDims(a.getFloatsCount()).addAllFloatData(a.getFloatsList()).build();
                default:
                    break;
            }
        }
        return null;
    }

    /** @return the model's file name or resource, as messages name it */
    String source() {
        return source;
    }

    /** @return the graph inputs that are not initializers (the data the model is run on) */
    List<ValueInfoProto> dataInputs() {
        return graph.getInputList().stream().filter(v -> !initializers.containsKey(v.getName()))
                .collect(Collectors.toList());
    }

    /** The tensor a name stands for once Identity nodes are looked through. */
    String canonical(String name) throws OnnxImportException {
        String n = name;
        for (int i = 0; i < MAX_IDENTITY_CHAIN; i++) {
            NodeProto p = producers.get(n);
            if (p == null || !p.getOpType().equals("Identity") || p.getInputCount() < 1) {
                return n;
            }
            n = p.getInput(0);
        }
        throw new OnnxImportException(source, "Identity nodes form a cycle through tensor '" + name + "'");
    }

    /** A node's (first) output, Identity nodes looked through. */
    String out(NodeProto node) throws OnnxImportException {
        if (node.getOutputCount() == 0 || node.getOutput(0).isEmpty()) {
            throw nodeError(node, node.getOpType(), "it has no output");
        }
        return canonical(node.getOutput(0));
    }

    /** @return every node (other than Identity) reading a canonical tensor, with the input it reads it as */
    List<Use> uses(String tensor) {
        return uses.getOrDefault(tensor, List.of());
    }

    /** Nodes of one op type reading a tensor as data (first input; any input for Add). */
    List<NodeProto> dataUses(String tensor, String opType) {
        List<NodeProto> found = new ArrayList<>();
        for (Use u : uses(tensor)) {
            if (u.node().getOpType().equals(opType) && (u.index() == 0 || opType.equals("Add"))
                    && !found.contains(u.node())) {
                found.add(u.node());
            }
        }
        return found;
    }

    /**
     * A node's constant input: an initializer or a Constant node's value.
     *
     * @param node  the node
     * @param input which of its inputs
     * @param role  what the node is taken as, for messages
     * @param what  what the input is, for messages ({@code weight}, {@code bias}, …)
     * @return the tensor
     * @throws OnnxImportException if the input is computed by another node, or not defined at all
     */
    TensorProto constant(NodeProto node, int input, String role, String what) throws OnnxImportException {
        String name = canonical(node.getInput(input));
        TensorProto t = initializers.get(name);
        if (t == null) {
            t = constants.get(name);
        }
        if (t == null) {
            NodeProto p = producers.get(name);
            throw nodeError(node, role, "its " + what + " '" + name + "' is neither an initializer nor a Constant"
                    + (p != null ? " (computed by " + describe(p) + ")" : " (it is not defined in the graph)"));
        }
        return t;
    }

    /** @return whether a node is in the default ONNX operator domain */
    static boolean isOnnxDomain(NodeProto n) {
        return n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
    }

    // ------------------------------------------------------------------------------------------
    // attributes

    /** @return a node's attribute of that name, or null */
    static AttributeProto attribute(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** @return an integer-list attribute, or {@code dflt} if the node has none of that name */
    static long[] ints(NodeProto node, String name, long[] dflt) {
        AttributeProto a = attribute(node, name);
        return a == null ? dflt : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** @return an integer attribute, or {@code dflt} if the node has none of that name */
    static long integer(NodeProto node, String name, long dflt) {
        AttributeProto a = attribute(node, name);
        return a == null ? dflt : a.getI();
    }

    /** @return a string attribute, or {@code dflt} if the node has none of that name */
    static String string(NodeProto node, String name, String dflt) {
        AttributeProto a = attribute(node, name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    // ------------------------------------------------------------------------------------------
    // messages

    /** A node as messages name it: by name and op type, or by op type and output if unnamed. */
    static String describe(NodeProto n) {
        String out = n.getOutputCount() > 0 ? n.getOutput(0) : "";
        return n.getName().isEmpty()
                ? "unnamed " + n.getOpType() + " node (output '" + out + "')"
                : "node '" + n.getName() + "' (" + n.getOpType() + ")";
    }

    /** Nodes as messages list them: their number, then each described. */
    static String describe(List<NodeProto> nodes) {
        if (nodes.isEmpty()) {
            return "none";
        }
        return nodes.size() + " (" + nodes.stream().map(OnnxGraph::describe).collect(Collectors.joining(", "))
                + ")";
    }

    /**
     * @param node    the offending node
     * @param role    what it was taken as
     * @param problem what is wrong
     * @return an exception naming the model, the node, its role and the problem
     */
    OnnxImportException nodeError(NodeProto node, String role, String problem) {
        return new OnnxImportException(source, describe(node) + ", taken as " + role + ": " + problem);
    }
}
