package dev.stfpm.nn.onnx;

import static dev.stfpm.nn.onnx.OnnxGraph.describe;
import static dev.stfpm.nn.onnx.OnnxGraph.integer;
import static dev.stfpm.nn.onnx.OnnxGraph.ints;
import static dev.stfpm.nn.onnx.OnnxGraph.string;

import dev.stfpm.nn.ConvWeights;
import dev.stfpm.nn.ResNet18;
import dev.stfpm.nn.TeacherWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * Reads the teacher's weights from an ONNX export of a torchvision ResNet-18 ({@code conv1} …
 * {@code layer3}, and {@code layer4} where the export has it).
 *
 * <p>Weights are found by the graph's structure, not by tensor names (exporters name them
 * {@code onnx::Conv_193} and the like): starting at the graph input, the importer follows
 * {@code Conv → [BatchNormalization] → Relu → MaxPool}, then each stage's two BasicBlocks
 * ({@code Conv → [BN] → Relu → Conv → [BN] → Add(·, shortcut) → Relu}, the shortcut being the
 * block input or, in {@code layer2.0} and {@code layer3.0}, a 1×1 stride-2 {@code Conv → [BN]}
 * that feeds the {@code Add}). {@code Identity} nodes are looked through; weights may be
 * initializers or {@code Constant} nodes, stored as {@code raw_data} or typed fields (float,
 * double, float16, bfloat16). {@code layer4} is read when a convolution reads {@code layer3}'s
 * output; whatever follows the trunk (a classifier head) is ignored.
 *
 * <p>Every convolution, batch norm and pooling is checked against torchvision's ResNet-18: weight
 * shapes, kernel, stride, padding, dilation and groups. Explicit batch norms are folded into the
 * preceding convolution: {@code w' = w·γ/√(var+ε)} per output channel and
 * {@code b' = (b − mean)·γ/√(var+ε) + β}. Anything else is refused with an
 * {@link OnnxImportException} that names the file, the node and what was expected and found.
 *
 * <p>Uses the ONNX protobuf classes bundled with nd4j-api; no ND4J arrays are created. The graph is
 * indexed by {@code OnnxGraph} (producers and readers of each tensor, constants, Identity
 * look-through) and tensors are decoded by {@code OnnxTensors}; this class is the walk along
 * ResNet-18, with its checks and messages. The channel widths are {@link ResNet18#width}'s.
 */
public final class OnnxTeacherImporter {

    /** ONNX's default batch norm epsilon (also torchvision's). */
    private static final float DEFAULT_BN_EPSILON = 1e-5f;

    private final OnnxGraph graph;
    private final Map<String, ConvWeights> convs = new LinkedHashMap<>();

    /** A convolution's folded weights and the tensor after it (and after its batch norm, if any). */
    private record ConvResult(ConvWeights weights, String output) {
    }

    private OnnxTeacherImporter(OnnxGraph graph) {
        this.graph = graph;
    }

    /**
     * Reads the teacher's 15 convolutions (20 with {@code layer4}).
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
     * Reads the teacher's 15 convolutions (20 with {@code layer4}) from an ONNX model held in memory (a class-path
     * resource, a download).
     *
     * @param onnx   the bytes of an ONNX export of a torchvision ResNet-18
     * @param source where they came from, named in error messages
     * @return the weights, batch norm folded in, by torchvision name
     * @throws OnnxImportException if the bytes are not an ONNX model or not a ResNet-18 in
     *                             torchvision's layout
     */
    public static TeacherWeights read(byte[] onnx, String source) throws OnnxImportException {
        OnnxTeacherImporter importer = new OnnxTeacherImporter(OnnxGraph.parse(source, onnx));
        importer.walk();
        return new TeacherWeights(importer.convs);
    }

    // ------------------------------------------------------------------------------------------
    // the walk

    private void walk() throws OnnxImportException {
        String x = graph.canonical(graphInput());
        NodeProto conv1 = only(x, "Conv", "conv1", null);
        ConvResult c1 = conv(conv1, "conv1", 3, ResNet18.width(0), 7, 2, 3);
        NodeProto relu = only(c1.output(), "Relu", "the ReLU after conv1", "conv1");
        checkRelu(relu, "the ReLU after conv1");
        NodeProto pool = only(graph.out(relu), "MaxPool", "the max pooling after conv1", "conv1's ReLU");
        checkMaxPool(pool);
        x = graph.out(pool);
        for (int stage = 1; stage <= ResNet18.STAGES; stage++) {
            if (stage == ResNet18.STAGES && graph.dataUses(x, "Conv").isEmpty()) {
                return; // the export ends at layer3 (or a head follows it): layer4 is optional
            }
            int in = ResNet18.width(stage - 1);
            int out = ResNet18.width(stage);
            x = block("layer" + stage + ".0", x, in, out, stage == 1 ? 1 : 2, stage > 1);
            x = block("layer" + stage + ".1", x, out, out, 1, false);
        }
    }

    /** The image input: the one graph input that is not an initializer. */
    private String graphInput() throws OnnxImportException {
        List<ValueInfoProto> inputs = graph.dataInputs();
        if (inputs.size() != 1) {
            throw new OnnxImportException(graph.source(), "expected exactly one graph input (the images, [N, 3, H, W]), found "
                    + inputs.size() + ": " + inputs.stream().map(ValueInfoProto::getName).collect(Collectors.toList()));
        }
        ValueInfoProto in = inputs.get(0);
        if (in.hasType() && in.getType().hasTensorType() && in.getType().getTensorType().hasShape()) {
            TensorShapeProto shape = in.getType().getTensorType().getShape();
            boolean wrongRank = shape.getDimCount() != 4;
            boolean wrongChannels = !wrongRank && shape.getDim(1).hasDimValue() && shape.getDim(1).getDimValue() != 3;
            if (wrongRank || wrongChannels) {
                throw new OnnxImportException(graph.source(), "graph input '" + in.getName()
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
        List<NodeProto> convsOfX = graph.dataUses(x, "Conv");
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
                (graph.dataUses(afterOptionalBn(c), "Add").isEmpty() ? other : feedsAdd).add(c);
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
        String r1 = graph.out(relu1);
        NodeProto convB = only(r1, "Conv", prefix + ".conv2", "the ReLU after " + prefix + ".conv1");
        ConvResult b = conv(convB, prefix + ".conv2", cout, cout, 3, 1, 1);
        NodeProto add = only(b.output(), "Add", "the residual Add of " + prefix, prefix + ".conv2");
        checkDomain(add);
        if (add.getInputCount() != 2) {
            throw nodeError(add, "the residual Add of " + prefix, "expected 2 inputs, found " + add.getInputCount());
        }
        String in0 = graph.canonical(add.getInput(0));
        String in1 = graph.canonical(add.getInput(1));
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
        NodeProto relu2 = only(graph.out(add), "Relu", "the ReLU ending " + prefix,
                "the residual Add of " + prefix);
        checkRelu(relu2, "the ReLU ending " + prefix);
        return graph.out(relu2);
    }

    /** The tensor after a conv's batch norm, or after the conv if none follows (no checks). */
    private String afterOptionalBn(NodeProto conv) throws OnnxImportException {
        String out = graph.out(conv);
        List<NodeProto> bns = graph.dataUses(out, "BatchNormalization");
        return bns.size() == 1 ? graph.out(bns.get(0)) : out;
    }

    /**
     * The single node of an op type reading a tensor; refuses none or several.
     *
     * @param after what produces the tensor, for messages; null for the graph input
     */
    private NodeProto only(String tensor, String opType, String what, String after) throws OnnxImportException {
        List<NodeProto> found = graph.dataUses(tensor, opType);
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
        List<OnnxGraph.Use> all = graph.uses(tensor);
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
        TensorProto wt = graph.constant(node, 1, role, "weight");
        long[] expectedW = {cout, cin, k, k};
        checkDims(node, role, "weight", wt, expectedW);
        checkAttributes(node, role, k, stride, pad, true);
        float[] w = floats(wt, node, role, "weight");
        float[] b;
        if (node.getInputCount() == 3 && !node.getInput(2).isEmpty()) {
            TensorProto bt = graph.constant(node, 2, role, "bias");
            checkDims(node, role, "bias", bt, new long[] {cout});
            b = floats(bt, node, role, "bias");
        } else {
            b = new float[cout];
        }
        String out = graph.out(node);
        List<NodeProto> bns = graph.dataUses(out, "BatchNormalization");
        if (bns.size() > 1) {
            throw nodeError(node, role, "expected at most one BatchNormalization after it, found " + describe(bns));
        }
        if (bns.size() == 1) {
            NodeProto bn = bns.get(0);
            fold(bn, name, cout, w, b);
            out = graph.out(bn);
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
            TensorProto t = graph.constant(bn, i + 1, role, what[i]);
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
        if (!OnnxGraph.isOnnxDomain(node)) {
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

    // ------------------------------------------------------------------------------------------
    // tensors

    private void checkDims(NodeProto node, String role, String what, TensorProto t, long[] expected)
            throws OnnxImportException {
        long[] dims = OnnxTensors.dims(t);
        if (!Arrays.equals(dims, expected)) {
            throw nodeError(node, role, "expected " + what + " shape " + Arrays.toString(expected) + ", found "
                    + Arrays.toString(dims) + " (tensor '" + t.getName() + "')");
        }
    }

    /** A tensor's values as floats ({@link OnnxTensors#floats}), refused in the name of the node that reads it. */
    private float[] floats(TensorProto t, NodeProto node, String role, String what) throws OnnxImportException {
        try {
            return OnnxTensors.floats(t, what + " tensor '" + t.getName() + "'");
        } catch (OnnxTensors.UnreadableTensorException e) {
            throw nodeError(node, role, e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------
    // messages

    private OnnxImportException nodeError(NodeProto node, String role, String problem) {
        return graph.nodeError(node, role, problem);
    }

    private OnnxImportException structure(String problem) {
        return new OnnxImportException(graph.source(), "not a torchvision ResNet-18 trunk: " + problem);
    }
}
