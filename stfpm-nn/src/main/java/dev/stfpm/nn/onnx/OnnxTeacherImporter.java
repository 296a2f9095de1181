package dev.stfpm.nn.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.shade.protobuf.ByteString;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Reads the teacher's weights from an ONNX export of a torchvision ResNet-18 ({@code conv1} …
 * {@code layer3}).
 *
 * <p>Weights are found by the graph's structure, not by tensor names (exporters name them
 * {@code onnx::Conv_193} and the like): starting at the graph input, the importer follows
 * {@code Conv → [BatchNormalization] → Relu → MaxPool}, then each stage's two BasicBlocks
 * ({@code Conv → [BN] → Relu → Conv → [BN] → Add(·, shortcut) → Relu}, the shortcut being the
 * block input or, in {@code layer2.0} and {@code layer3.0}, a 1×1 stride-2 {@code Conv → [BN]}
 * that feeds the {@code Add}). {@code Identity} nodes are looked through; weights may be
 * initializers or {@code Constant} nodes, stored as {@code raw_data} or typed fields (float,
 * double, float16, bfloat16). Whatever follows {@code layer3} (layer4, a classifier head) is
 * ignored.
 *
 * <p>Every convolution, batch norm and pooling is checked against torchvision's ResNet-18: weight
 * shapes, kernel, stride, padding, dilation and groups. Explicit batch norms are folded into the
 * preceding convolution: {@code w' = w·γ/√(var+ε)} per output channel and
 * {@code b' = (b − mean)·γ/√(var+ε) + β}. Anything else is refused with an
 * {@link OnnxImportException} that names the file, the node and what was expected and found.
 *
 * <p>Uses the ONNX protobuf classes bundled with nd4j-api; no ND4J arrays are created.
 */
public final class OnnxTeacherImporter {

    /** Channels of conv1 and of each stage, as in torchvision's ResNet-18. */
    private static final int[] WIDTH = {64, 64, 128, 256};
    /** ONNX's default batch norm epsilon (also torchvision's). */
    private static final float DEFAULT_BN_EPSILON = 1e-5f;
    /** Guards against Identity cycles in malformed graphs. */
    private static final int MAX_IDENTITY_CHAIN = 10_000;

    /** The model's file name or resource, for messages. */
    private final String source;
    private final GraphProto graph;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<Use>> uses = new HashMap<>();
    private final Map<String, ConvWeights> convs = new LinkedHashMap<>();

    /** A node reading a tensor as its input number {@code index}. */
    private record Use(NodeProto node, int index) {
    }

    /** A convolution's folded weights and the tensor after it (and after its batch norm, if any). */
    private record ConvResult(ConvWeights weights, String output) {
    }

    private OnnxTeacherImporter(String source, GraphProto graph) {
        this.source = source;
        this.graph = graph;
    }

    /**
     * Reads the teacher's 15 convolutions.
     *
     * @param onnxFile an ONNX export of a torchvision ResNet-18 (trunk to layer3 or more)
     * @return the weights, batch norm folded in, by torchvision name
     * @throws OnnxImportException if the file is not an ONNX model or not a ResNet-18 in
     *                             torchvision's layout
     * @throws IOException         if the file cannot be read
     */
    public static TeacherWeights read(Path onnxFile) throws IOException {
        try {
            return read(Files.readAllBytes(onnxFile), onnxFile.toString());
        } catch (NoSuchFileException e) {
            throw new OnnxImportException(onnxFile.toString(), "no such file");
        }
    }

    /**
     * Reads the teacher's 15 convolutions from an ONNX model held in memory (a class-path
     * resource, a download).
     *
     * @param onnx   the bytes of an ONNX export of a torchvision ResNet-18
     * @param source where they came from, named in error messages
     * @return the weights, batch norm folded in, by torchvision name
     * @throws OnnxImportException if the bytes are not an ONNX model or not a ResNet-18 in
     *                             torchvision's layout
     */
    public static TeacherWeights read(byte[] onnx, String source) throws OnnxImportException {
        ModelProto model = parse(source, onnx);
        OnnxTeacherImporter importer = new OnnxTeacherImporter(source, model.getGraph());
        importer.index();
        importer.walk();
        return new TeacherWeights(importer.convs);
    }

    private static ModelProto parse(String source, byte[] bytes) throws OnnxImportException {
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
        return model;
    }

    // ------------------------------------------------------------------------------------------
    // graph indexing

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

    /** The tensor a name stands for once Identity nodes are looked through. */
    private String canonical(String name) throws OnnxImportException {
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
    private String out(NodeProto node) throws OnnxImportException {
        if (node.getOutputCount() == 0 || node.getOutput(0).isEmpty()) {
            throw nodeError(node, node.getOpType(), "it has no output");
        }
        return canonical(node.getOutput(0));
    }

    private static boolean isOnnxDomain(NodeProto n) {
        return n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
    }

    // ------------------------------------------------------------------------------------------
    // the walk

    private void walk() throws OnnxImportException {
        String x = canonical(graphInput());
        NodeProto conv1 = only(x, "Conv", "conv1", null);
        ConvResult c1 = conv(conv1, "conv1", 3, WIDTH[0], 7, 2, 3);
        NodeProto relu = only(c1.output(), "Relu", "the ReLU after conv1", "conv1");
        checkRelu(relu, "the ReLU after conv1");
        NodeProto pool = only(out(relu), "MaxPool", "the max pooling after conv1", "conv1's ReLU");
        checkMaxPool(pool);
        x = out(pool);
        for (int stage = 1; stage <= 3; stage++) {
            int in = WIDTH[stage - 1];
            int out = WIDTH[stage];
            x = block("layer" + stage + ".0", x, in, out, stage == 1 ? 1 : 2, stage > 1);
            x = block("layer" + stage + ".1", x, out, out, 1, false);
        }
    }

    /** The image input: the one graph input that is not an initializer. */
    private String graphInput() throws OnnxImportException {
        List<ValueInfoProto> inputs = graph.getInputList().stream()
                .filter(v -> !initializers.containsKey(v.getName())).collect(Collectors.toList());
        if (inputs.size() != 1) {
            throw new OnnxImportException(source, "expected exactly one graph input (the images, [N, 3, H, W]), found "
                    + inputs.size() + ": " + inputs.stream().map(ValueInfoProto::getName).collect(Collectors.toList()));
        }
        ValueInfoProto in = inputs.get(0);
        if (in.hasType() && in.getType().hasTensorType() && in.getType().getTensorType().hasShape()) {
            TensorShapeProto shape = in.getType().getTensorType().getShape();
            boolean wrongRank = shape.getDimCount() != 4;
            boolean wrongChannels = !wrongRank && shape.getDim(1).hasDimValue() && shape.getDim(1).getDimValue() != 3;
            if (wrongRank || wrongChannels) {
                throw new OnnxImportException(source, "graph input '" + in.getName()
                        + "': expected shape [N, 3, H, W], found "
                        + shape.getDimList().stream()
                                .map(d -> d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam())
                                .collect(Collectors.joining(", ", "[", "]")));
            }
        }
        return in.getName();
    }

    /** One BasicBlock; returns its output tensor. */
    private String block(String prefix, String x, int cin, int cout, int stride, boolean downsample)
            throws OnnxImportException {
        String source = "the input of " + prefix;
        List<NodeProto> convsOfX = dataUses(x, "Conv");
        NodeProto main;
        NodeProto ds = null;
        if (!downsample) {
            if (convsOfX.size() != 1) {
                throw structure(prefix + " (identity shortcut): expected one Conv reading '" + x + "' (" + source
                        + "), found " + describe(convsOfX) + allUses(x));
            }
            main = convsOfX.get(0);
        } else {
            // the downsample conv is the one whose output (after its batch norm, if any) feeds the Add
            List<NodeProto> feedsAdd = new ArrayList<>();
            List<NodeProto> other = new ArrayList<>();
            for (NodeProto c : convsOfX) {
                (dataUses(afterOptionalBn(c), "Add").isEmpty() ? other : feedsAdd).add(c);
            }
            if (convsOfX.size() != 2 || feedsAdd.size() != 1) {
                throw structure(prefix + " (downsample shortcut): expected two Conv nodes reading '" + x + "' ("
                        + source
                        + "), the 3×3 " + prefix + ".conv1 and the 1×1 stride-2 " + prefix
                        + ".downsample.0 feeding the Add, found " + describe(convsOfX) + allUses(x));
            }
            ds = feedsAdd.get(0);
            main = other.get(0);
        }
        ConvResult a = conv(main, prefix + ".conv1", cin, cout, 3, stride, 1);
        NodeProto relu1 = only(a.output(), "Relu", "the ReLU after " + prefix + ".conv1", prefix + ".conv1");
        checkRelu(relu1, "the ReLU after " + prefix + ".conv1");
        String r1 = out(relu1);
        NodeProto convB = only(r1, "Conv", prefix + ".conv2", "the ReLU after " + prefix + ".conv1");
        ConvResult b = conv(convB, prefix + ".conv2", cout, cout, 3, 1, 1);
        NodeProto add = only(b.output(), "Add", "the residual Add of " + prefix, prefix + ".conv2");
        checkDomain(add);
        if (add.getInputCount() != 2) {
            throw nodeError(add, "the residual Add of " + prefix, "expected 2 inputs, found " + add.getInputCount());
        }
        String in0 = canonical(add.getInput(0));
        String in1 = canonical(add.getInput(1));
        String shortcut = in0.equals(b.output()) ? in1 : in0;
        String expectedShortcut;
        String expectedWhat;
        if (ds != null) {
            ConvResult d = conv(ds, prefix + ".downsample.0", cin, cout, 1, stride, 0);
            expectedShortcut = d.output();
            expectedWhat = prefix + ".downsample";
        } else {
            expectedShortcut = x;
            expectedWhat = "the block input (identity shortcut)";
        }
        if (!shortcut.equals(expectedShortcut)) {
            throw nodeError(add, "the residual Add of " + prefix, "expected its inputs to be " + prefix
                    + ".conv2's output '" + b.output() + "' and " + expectedWhat + " '" + expectedShortcut
                    + "', found '" + in0 + "' and '" + in1 + "'");
        }
        NodeProto relu2 = only(out(add), "Relu", "the ReLU ending " + prefix,
                "the residual Add of " + prefix);
        checkRelu(relu2, "the ReLU ending " + prefix);
        return out(relu2);
    }

    /** The tensor after a conv's batch norm, or after the conv if none follows (no checks). */
    private String afterOptionalBn(NodeProto conv) throws OnnxImportException {
        String out = out(conv);
        List<NodeProto> bns = dataUses(out, "BatchNormalization");
        return bns.size() == 1 ? out(bns.get(0)) : out;
    }

    /** Nodes of one op type reading a tensor as data (first input; any input for Add). */
    private List<NodeProto> dataUses(String tensor, String opType) {
        List<NodeProto> found = new ArrayList<>();
        for (Use u : uses.getOrDefault(tensor, List.of())) {
            if (u.node().getOpType().equals(opType) && (u.index() == 0 || opType.equals("Add"))
                    && !found.contains(u.node())) {
                found.add(u.node());
            }
        }
        return found;
    }

    /**
     * The single node of an op type reading a tensor; refuses none or several.
     *
     * @param after what produces the tensor, for messages; null for the graph input
     */
    private NodeProto only(String tensor, String opType, String what, String after) throws OnnxImportException {
        List<NodeProto> found = dataUses(tensor, opType);
        if (found.size() == 1) {
            return found.get(0);
        }
        String problem = found.isEmpty() ? "no " + opType + " node reads it" : found.size() + " do: " + describe(found);
        String source = after == null ? "the graph input '" + tensor + "'" : "'" + tensor + "', the output of " + after;
        throw structure("expected " + what + " (" + opType + ") to read " + source + ", but " + problem
                + allUses(tensor));
    }

    /** Who reads a tensor, for messages. */
    private String allUses(String tensor) {
        List<Use> all = uses.getOrDefault(tensor, List.of());
        if (all.isEmpty()) {
            return "; nothing reads '" + tensor + "': the graph ends there, but it must contain ResNet-18 up to"
                    + " layer3 at least";
        }
        return "; it is read by "
                + all.stream().map(u -> describe(u.node())).distinct().collect(Collectors.joining(", "));
    }

    // ------------------------------------------------------------------------------------------
    // node checks

    /** Checks a Conv (and the BatchNormalization after it, if any) and folds them. */
    private ConvResult conv(NodeProto node, String name, int cin, int cout, int k, int stride, int pad)
            throws OnnxImportException {
        String role = name;
        checkDomain(node);
        if (node.getInputCount() < 2 || node.getInputCount() > 3) {
            throw nodeError(node, role, "expected 2 or 3 inputs (X, W[, B]), found " + node.getInputCount());
        }
        TensorProto wt = tensor(node, 1, role, "weight");
        long[] expectedW = {cout, cin, k, k};
        checkDims(node, role, "weight", wt, expectedW);
        checkAttributes(node, role, k, stride, pad, true);
        float[] w = floats(wt, node, role, "weight");
        float[] b;
        if (node.getInputCount() == 3 && !node.getInput(2).isEmpty()) {
            TensorProto bt = tensor(node, 2, role, "bias");
            checkDims(node, role, "bias", bt, new long[] {cout});
            b = floats(bt, node, role, "bias");
        } else {
            b = new float[cout];
        }
        String out = out(node);
        List<NodeProto> bns = dataUses(out, "BatchNormalization");
        if (bns.size() > 1) {
            throw nodeError(node, role, "expected at most one BatchNormalization after it, found " + describe(bns));
        }
        if (bns.size() == 1) {
            NodeProto bn = bns.get(0);
            fold(bn, name, cout, w, b);
            out = out(bn);
        }
        for (float v : w) {
            checkFinite(node, role, v);
        }
        for (float v : b) {
            checkFinite(node, role, v);
        }
        ConvWeights cw = new ConvWeights(cout, cin, k, k, w, b);
        if (convs.put(name, cw) != null) {
            throw nodeError(node, role, "found a second time: the graph is not a ResNet-18");
        }
        return new ConvResult(cw, out);
    }

    private void checkFinite(NodeProto node, String role, float v) throws OnnxImportException {
        if (!Float.isFinite(v)) {
            throw nodeError(node, role, "its weights (batch norm folded in) contain NaN or infinite values");
        }
    }

    /** Folds a BatchNormalization into conv weights {@code w} and bias {@code b}, in place. */
    private void fold(NodeProto bn, String convName, int channels, float[] w, float[] b) throws OnnxImportException {
        String role = "the batch norm after " + convName;
        checkDomain(bn);
        if (bn.getInputCount() != 5) {
            throw nodeError(bn, role, "expected 5 inputs (X, scale, B, mean, var), found " + bn.getInputCount());
        }
        String[] what = {"scale", "B", "mean", "var"};
        float[][] p = new float[4][];
        for (int i = 0; i < 4; i++) {
            TensorProto t = tensor(bn, i + 1, role, what[i]);
            checkDims(bn, role, what[i], t, new long[] {channels});
            p[i] = floats(t, bn, role, what[i]);
        }
        float eps = DEFAULT_BN_EPSILON;
        for (AttributeProto a : bn.getAttributeList()) {
            switch (a.getName()) {
                case "epsilon" -> eps = a.getF();
                case "momentum" -> { }
                case "training_mode" -> {
                    if (a.getI() != 0) {
                        throw nodeError(bn, role, "expected training_mode=0 (inference), found " + a.getI());
                    }
                }
                case "spatial" -> {
                    if (a.getI() != 1) {
                        throw nodeError(bn, role, "expected spatial=1, found " + a.getI());
                    }
                }
                default -> throw nodeError(bn, role, "unexpected attribute '" + a.getName() + "'");
            }
        }
        ConvWeights folded;
        try { // only the per-output-channel layout of w matters to the fold, so a flat kernel stands in

            folded = new ConvWeights(channels, 1, 1, w.length / channels, w, b).foldBatchNorm(p[0], p[1], p[2], p[3], eps);
        } catch (IllegalArgumentException e) {
            throw nodeError(bn, role, e.getMessage());
        }
        System.arraycopy(folded.weight(), 0, w, 0, w.length);
        System.arraycopy(folded.bias(), 0, b, 0, b.length);
    }

    /** Conv or MaxPool attributes: kernel, strides, pads, dilations, groups, auto_pad. */
    private void checkAttributes(NodeProto node, String role, int k, int stride, int pad, boolean isConv)
            throws OnnxImportException {
        Set<String> known = new HashSet<>(List.of("kernel_shape", "strides", "pads", "dilations", "auto_pad"));
        known.addAll(isConv ? List.of("group") : List.of("ceil_mode", "storage_order"));
        for (AttributeProto a : node.getAttributeList()) {
            if (!known.contains(a.getName())) {
                throw nodeError(node, role, "unexpected attribute '" + a.getName() + "'");
            }
        }
        long[] kernel = ints(node, "kernel_shape", null);
        if (kernel == null && !isConv) {
            throw nodeError(node, role, "expected kernel_shape=[" + k + ", " + k + "], found none");
        }
        if (kernel != null) {
            expect(node, role, "kernel_shape", new long[] {k, k}, kernel);
        }
        expect(node, role, "strides", new long[] {stride, stride}, ints(node, "strides", new long[] {1, 1}));
        expect(node, role, "dilations", new long[] {1, 1}, ints(node, "dilations", new long[] {1, 1}));
        String autoPad = string(node, "auto_pad", "NOTSET");
        boolean validAutoPad = autoPad.equals("VALID") && pad == 0;
        if (!autoPad.equals("NOTSET") && !validAutoPad) {
            throw nodeError(node, role, "expected auto_pad=NOTSET with explicit pads [" + pad + ", " + pad + ", "
                    + pad + ", " + pad + "], found auto_pad=" + autoPad);
        }
        if (!validAutoPad) {
            expect(node, role, "pads", new long[] {pad, pad, pad, pad}, ints(node, "pads", new long[] {0, 0, 0, 0}));
        }
        if (isConv) {
            long group = integer(node, "group", 1);
            if (group != 1) {
                throw nodeError(node, role, "expected group=1, found group=" + group);
            }
        } else {
            long ceil = integer(node, "ceil_mode", 0);
            if (ceil != 0) {
                throw nodeError(node, role, "expected ceil_mode=0, found ceil_mode=" + ceil);
            }
        }
    }

    private void checkMaxPool(NodeProto pool) throws OnnxImportException {
        String role = "the max pooling after conv1";
        checkDomain(pool);
        if (pool.getInputCount() != 1) {
            throw nodeError(pool, role, "expected 1 input, found " + pool.getInputCount());
        }
        checkAttributes(pool, role, 3, 2, 1, false);
    }

    private void checkRelu(NodeProto relu, String role) throws OnnxImportException {
        checkDomain(relu);
        if (relu.getInputCount() != 1) {
            throw nodeError(relu, role, "expected 1 input, found " + relu.getInputCount());
        }
    }

    private void checkDomain(NodeProto node) throws OnnxImportException {
        if (!isOnnxDomain(node)) {
            throw nodeError(node, node.getOpType(), "expected the default ONNX domain, found domain '"
                    + node.getDomain() + "'");
        }
    }

    private void expect(NodeProto node, String role, String attr, long[] expected, long[] found)
            throws OnnxImportException {
        if (!Arrays.equals(expected, found)) {
            throw nodeError(node, role, "expected " + attr + "=" + Arrays.toString(expected) + ", found " + attr + "="
                    + Arrays.toString(found));
        }
    }

    private static AttributeProto attribute(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static long[] ints(NodeProto node, String name, long[] dflt) {
        AttributeProto a = attribute(node, name);
        return a == null ? dflt : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    private static long integer(NodeProto node, String name, long dflt) {
        AttributeProto a = attribute(node, name);
        return a == null ? dflt : a.getI();
    }

    private static String string(NodeProto node, String name, String dflt) {
        AttributeProto a = attribute(node, name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    // ------------------------------------------------------------------------------------------
    // tensors

    /** A node's constant input: an initializer or a Constant node's value. */
    private TensorProto tensor(NodeProto node, int input, String role, String what) throws OnnxImportException {
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

    private void checkDims(NodeProto node, String role, String what, TensorProto t, long[] expected)
            throws OnnxImportException {
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (!Arrays.equals(dims, expected)) {
            throw nodeError(node, role, "expected " + what + " shape " + Arrays.toString(expected) + ", found "
                    + Arrays.toString(dims) + " (tensor '" + t.getName() + "')");
        }
    }

    /** A tensor's values as floats, whichever way they are stored. */
    private float[] floats(TensorProto t, NodeProto node, String role, String what) throws OnnxImportException {
        String label = what + " tensor '" + t.getName() + "'";
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            String location = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                    .map(e -> " in '" + e.getValue() + "'").findFirst().orElse("");
            throw nodeError(node, role, "its " + label + " keeps its data outside the model file (ONNX external data"
                    + location + "), which is not supported: export the model with the weights inside the .onnx file");
        }
        if (t.hasSegment()) {
            throw nodeError(node, role, "its " + label + " is segmented, which is not supported");
        }
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        int type = t.getDataType();
        ByteString raw = t.getRawData();
        float[] v = new float[(int) n];
        int found;
        switch (type) {
            case TensorProto.DataType.FLOAT_VALUE -> {
                if (!raw.isEmpty()) {
                    found = raw.size() / 4;
                    checkCount(node, role, label, n, found, raw.size() % 4);
                    raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                } else {
                    found = t.getFloatDataCount();
                    checkCount(node, role, label, n, found, 0);
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getFloatData(i);
                    }
                }
            }
            case TensorProto.DataType.DOUBLE_VALUE -> {
                if (!raw.isEmpty()) {
                    found = raw.size() / 8;
                    checkCount(node, role, label, n, found, raw.size() % 8);
                    ByteBuffer bb = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) bb.getDouble(8 * i);
                    }
                } else {
                    found = t.getDoubleDataCount();
                    checkCount(node, role, label, n, found, 0);
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) t.getDoubleData(i);
                    }
                }
            }
            case TensorProto.DataType.FLOAT16_VALUE, TensorProto.DataType.BFLOAT16_VALUE -> {
                boolean half = type == TensorProto.DataType.FLOAT16_VALUE;
                if (!raw.isEmpty()) {
                    found = raw.size() / 2;
                    checkCount(node, role, label, n, found, raw.size() % 2);
                    ByteBuffer bb = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < n; i++) {
                        int bits = bb.getShort(2 * i) & 0xffff;
                        v[i] = half ? halfToFloat(bits) : Float.intBitsToFloat(bits << 16);
                    }
                } else {
                    found = t.getInt32DataCount();
                    checkCount(node, role, label, n, found, 0);
                    for (int i = 0; i < n; i++) {
                        int bits = t.getInt32Data(i) & 0xffff;
                        v[i] = half ? halfToFloat(bits) : Float.intBitsToFloat(bits << 16);
                    }
                }
            }
            default -> throw nodeError(node, role, "its " + label + " has data type "
                    + dataTypeName(type) + "; expected FLOAT (or DOUBLE, FLOAT16, BFLOAT16)");
        }
        return v;
    }

    private void checkCount(NodeProto node, String role, String label, long expected, long found, int leftover)
            throws OnnxImportException {
        if (expected != found || leftover != 0) {
            throw nodeError(node, role, "its " + label + " holds " + found + " values"
                    + (leftover != 0 ? " and " + leftover + " stray bytes" : "") + ", its shape needs " + expected
                    + (found == 0 ? " (the data is missing)" : ""));
        }
    }

    private static String dataTypeName(int type) {
        TensorProto.DataType dt = TensorProto.DataType.forNumber(type);
        return dt == null ? Integer.toString(type) : dt.name();
    }

    /** IEEE 754 binary16 to float. */
    static float halfToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float m = mant * 0x1p-24f; // subnormal (or zero)
            return sign == 0 ? m : -m;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    // ------------------------------------------------------------------------------------------
    // messages

    private static String describe(NodeProto n) {
        String out = n.getOutputCount() > 0 ? n.getOutput(0) : "";
        return n.getName().isEmpty()
                ? "unnamed " + n.getOpType() + " node (output '" + out + "')"
                : "node '" + n.getName() + "' (" + n.getOpType() + ")";
    }

    private static String describe(List<NodeProto> nodes) {
        if (nodes.isEmpty()) {
            return "none";
        }
        return nodes.size() + " (" + nodes.stream().map(OnnxTeacherImporter::describe).collect(Collectors.joining(", "))
                + ")";
    }

    private OnnxImportException nodeError(NodeProto node, String role, String problem) {
        return new OnnxImportException(source, describe(node) + ", taken as " + role + ": " + problem);
    }

    private OnnxImportException structure(String problem) {
        return new OnnxImportException(source, "not a torchvision ResNet-18 trunk: " + problem);
    }
}
