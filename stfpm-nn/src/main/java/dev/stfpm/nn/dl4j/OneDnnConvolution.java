package dev.stfpm.nn.dl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deeplearning4j's convolution layers run on oneDNN's primitives directly (JavaCPP's
 * {@code org.bytedeco:dnnl}, the oneDNN release that ND4J 1.0.0-M2.1 links), installed by
 * {@link #install} in place of a layer's stock oneDNN helper.
 *
 * <p>The stock helper calls libnd4j's {@code conv2d} and {@code conv2d_bp}, whose backward pass
 * costs about three times what the arithmetic needs (docs/DESIGN.md, "Convolutions on oneDNN
 * directly"), for three reasons this class removes:
 * <ol>
 *   <li>it asks for {@code convolution_auto}, for which oneDNN picks Winograd at batches of 16 and
 *       more; on layer2's and layer3's shapes Winograd's backward pass is about ten times slower than
 *       the direct algorithm, which this class asks for;</li>
 *   <li>it also computes the gradient with respect to the network's input image (the first
 *       convolution's), which nothing uses, converting the stem's 134 MB tensors between layouts to do so;
 *       this class skips it for layers fed by a network input;</li>
 *   <li>it allocates every layout-converted copy and oneDNN's scratch memory afresh at every call,
 *       and fresh pages are expensive; this class converts into buffers it keeps, shared by the
 *       layers of one network (they run one after another).</li>
 * </ol>
 * Gradients are the same up to floating-point summation order ({@code OneDnnConvolutionTest}).
 *
 * <p>In a network whose weights never change once it has run (a <em>frozen</em> network: the teacher,
 * and the student with batch norm folded in that tests images), the forward pass of every 3×3
 * convolution with stride 1 (ten of a trunk's fifteen, four fifths of its arithmetic) asks for oneDNN's
 * Winograd algorithm, about twice as fast as the direct one at every batch size (docs/DESIGN.md,
 * "Winograd where nothing trains"); and each layer converts its weights into the
 * primitive's layout once and keeps them, since Winograd's conversion (a transform of the weights) takes
 * up to 10 ms a layer. Results differ from the direct algorithm's by rounding only.
 */
final class OneDnnConvolution implements ConvolutionHelper {

    private static final Logger LOG = LoggerFactory.getLogger(OneDnnConvolution.class);
    private static engine cpu;

    /** The stock helper, for what this class does not handle (no such layer in this project's networks). */
    private final ConvolutionHelper stock;
    /** Whether the layer's input gradient is needed (not for a layer fed by a network input). */
    private final boolean inputGradient;
    private final Buffers buffers;
    /** Whether the layer adds a bias (Deeplearning4j passes zeros when it has none). */
    private final boolean hasBias;
    /** Whether the layer's activation is the identity, whose derivative needs only the output's shape. */
    private final boolean identity;
    /** For a frozen network's layer, its weights as its forward primitives want them; {@code null} otherwise. */
    private final FrozenWeights frozenWeights;
    /** The layout of a frozen network's stages, which this layer reads and writes; {@code null} for channels-first. */
    private final BlockedStages blocked;
    /** The output of the layer's last forward pass, for the backward pass that follows it (see {@link #preOutput}). */
    private INDArray lastOutput;
    /** Primitives and memory objects per input shape (the last batch of an epoch may be smaller). */
    private final Map<String, Plan> plans = new HashMap<>();
    private final Map<String, ForwardPlan> forwardPlans = new HashMap<>();

    private OneDnnConvolution(ConvolutionHelper stock, boolean inputGradient, boolean hasBias, boolean identity,
                              boolean frozen, BlockedStages blocked, Buffers buffers) {
        this.stock = stock;
        this.inputGradient = inputGradient;
        this.hasBias = hasBias;
        this.identity = identity;
        this.frozenWeights = frozen ? new FrozenWeights() : null;
        this.blocked = blocked;
        this.buffers = buffers;
    }

    /**
     * Gives every convolution layer of an initialised network that runs on Deeplearning4j's oneDNN
     * helper this class instead. Layers with another helper (cuDNN) or none, and all layers if oneDNN's
     * Java bindings cannot be loaded, keep what they have.
     *
     * @param graph  an initialised network
     * @param frozen whether the network's weights stay as they are once it has run (it only ever runs
     *               forward): then its 3×3 convolutions with stride 1 run Winograd and every layer
     *               keeps its converted weights
     * @return how many layers got it
     */
    static int install(ComputationGraph graph, boolean frozen) {
        if (!loaded()) {
            return 0;
        }
        List<String> inputs = graph.getConfiguration().getNetworkInputs();
        List<ConvolutionLayer> convs = new ArrayList<>();
        for (Layer layer : graph.getLayers()) {
            if (layer instanceof ConvolutionLayer conv && conv.getHelper() instanceof MKLDNNConvHelper) {
                convs.add(conv);
            }
        }
        BlockedStages blocked = null;
        if (frozen && !convs.isEmpty()) {
            blocked = BlockedStages.install(graph, convs.stream().filter(OneDnnConvolution::isStage)
                    .flatMapToLong(c -> LongStream.of(c.layerConf().getNIn(), c.layerConf().getNOut()))
                    .toArray());
        }
        Buffers buffers = new Buffers();
        for (ConvolutionLayer conv : convs) {
            List<String> from = graph.getConfiguration().getVertexInputs().get(conv.getConfig().getLayerName());
            boolean fedByInput = from.stream().anyMatch(inputs::contains);
            boolean identity = conv.layerConf().getActivationFn() instanceof ActivationIdentity;
            HelperField.set(ConvolutionLayer.class, conv, new OneDnnConvolution((ConvolutionHelper) conv.getHelper(),
                    !fedByInput, conv.hasBias(), identity, frozen, isStage(conv) ? blocked : null, buffers));
        }
        return convs.size();
    }

    /** Whether a convolution is one of the stages' (channels-first), not the stem's (channels-last). */
    private static boolean isStage(ConvolutionLayer conv) {
        return conv.layerConf().getCnn2dDataFormat() == CNN2DFormat.NCHW;
    }

    /** @return the CPU engine; only after {@link #install} found oneDNN's bindings */
    static engine engine() {
        return cpu;
    }

    private static synchronized boolean loaded() {
        if (cpu == null) {
            try {
                cpu = new engine(engine.kind.cpu, 0);
            } catch (Throwable e) { // UnsatisfiedLinkError without the native library for this platform
                LOG.info("oneDNN's Java bindings are not available ({}): convolutions train on Deeplearning4j's "
                        + "oneDNN helper", e.toString());
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of();
    }

    /**
     * The layer's output. Deeplearning4j asks for it twice per training step: in the forward pass, and
     * again at the start of the backward pass, to apply the derivative of the layer's activation
     * function. Unless the network's {@link org.deeplearning4j.nn.conf.CacheMode} keeps a copy of every
     * convolution's output for that (at batch 32 and 256 px, 394 MiB more), the convolution runs a second
     * time. For the identity activation, whose derivative only checks the output's shape, the backward
     * pass (recognised by its workspace for activation gradients) gets the forward pass's output back
     * instead.
     */
    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                              AlgoMode mode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation,
                              CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (convolutionMode == ConvolutionMode.Same || input.dataType() != DataType.FLOAT || !isDense(input)
                || !isDense(weights)) {
            return stock.preOutput(input, weights, bias, kernel, strides, pad, mode, fwdAlgo, convolutionMode, dilation,
                    format, workspaceMgr);
        }
        long[] x = Plan.dims(input, format);
        long[] w = weights.shape();
        long outH = (x[2] + 2L * pad[0] - ((w[2] - 1) * dilation[0] + 1)) / strides[0] + 1;
        long outW = (x[3] + 2L * pad[1] - ((w[3] - 1) * dilation[1] + 1)) / strides[1] + 1;
        long[] outShape = format == CNN2DFormat.NCHW ? new long[] {x[0], w[0], outH, outW}
                : new long[] {x[0], outH, outW, w[0]};
        if (identity && lastOutput != null && workspaceMgr.hasConfiguration(ArrayType.ACTIVATION_GRAD)
                && Arrays.equals(lastOutput.shape(), outShape)) {
            return lastOutput;
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), outShape, 'c');
        ForwardPlan plan = forwardPlans.computeIfAbsent(format + Arrays.toString(input.shape()),
                k -> new ForwardPlan(input, weights, out, strides, pad, dilation, format, hasBias, frozenWeights != null,
                        blocked));
        plan.run(input, weights, hasBias ? bias : null, out, buffers, frozenWeights);
        lastOutput = out;
        return out;
    }

    /** @return oneDNN's name for each forward primitive this layer has created, one per input shape */
    List<String> forwardImplementations() {
        return forwardPlans.values().stream().map(p -> p.implementation).toList();
    }

    /** @return whether any forward primitive of this layer converts its input or output between layouts */
    boolean convertsActivations() {
        return forwardPlans.values().stream().anyMatch(p -> p.src.inner != p.src.user || p.dst.inner != p.dst.user);
    }

    /** @return in how many layouts a frozen layer keeps its weights (0 for a layer of a network that trains) */
    int convertedWeights() {
        return frozenWeights == null ? 0 : frozenWeights.converted.size();
    }

    @Override
    public INDArray activate(INDArray z, IActivation afn, boolean training) {
        return stock.activate(z, afn, training);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation afn, AlgoMode mode,
                                                     BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo,
                                                     ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                                                     LayerWorkspaceMgr workspaceMgr) {
        if (convolutionMode == ConvolutionMode.Same || input.dataType() != DataType.FLOAT
                || !isDense(input) || !isDense(delta) || !isDense(weights) || !isDense(weightGradView)) {
            return stock.backpropGradient(input, weights, bias, delta, kernel, strides, pad, biasGradView,
                    weightGradView, afn, mode, bwdFilterAlgo, bwdDataAlgo, convolutionMode, dilation, format, workspaceMgr);
        }
        boolean withBias = bias != null && biasGradView != null;
        Plan plan = plans.computeIfAbsent(format + Arrays.toString(input.shape()) + withBias,
                k -> new Plan(input, weights, delta, strides, pad, dilation, format, withBias, inputGradient));
        INDArray gradAtInput = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        plan.run(input, weights, delta, inputGradient ? gradAtInput : null, weightGradView,
                withBias ? biasGradView : null, buffers);
        lastOutput = null;
        Gradient g = new DefaultGradient();
        if (withBias) {
            g.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        g.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView);
        return new Pair<>(g, gradAtInput);
    }

    /** @return whether an array's elements fill one block of memory without gaps, its axes in any order */
    private static boolean isDense(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        Integer[] axes = new Integer[shape.length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        Arrays.sort(axes, (p, q) -> Long.compare(stride[p], stride[q]));
        long expected = 1;
        for (int axis : axes) {
            if (shape[axis] == 1) {
                continue;
            }
            if (stride[axis] != expected) {
                return false;
            }
            expected *= shape[axis];
        }
        return true;
    }

    /** A float array's memory, as oneDNN's {@code void*} (a view's buffer already starts at the view's offset). */
    static Pointer address(INDArray a) {
        long at = a.data().addressPointer().address();
        return new Pointer() {
            {
                address = at;
            }
        };
    }

    /** An activation's oneDNN description: dims always {@code N, C, H, W}, strides as the array has them. */
    static memory.desc activation(INDArray a, CNN2DFormat format) {
        long[] s = a.stride();
        long[] d = a.shape();
        return format == CNN2DFormat.NCHW
                ? new memory.desc(d, memory.data_type.f32, s)
                : new memory.desc(new long[] {d[0], d[3], d[1], d[2]}, memory.data_type.f32,
                        new long[] {s[0], s[3], s[1], s[2]});
    }

    /** @return a description of {@code dims} floats that lets the primitive choose their layout */
    static memory.desc any(long... dims) {
        return new memory.desc(dims, memory.data_type.f32, memory.format_tag.any);
    }

    /**
     * The buffers a layer's layout-converted tensors and oneDNN's scratch memory go to: one per role,
     * shared by the layers of one network, grown to the largest layer's need and then reused; and
     * the oneDNN stream the network's primitives run on (a network trains on one thread at a time).
     */
    private static final class Buffers {
        private final Map<String, BytePointer> byRole = new HashMap<>();
        private final stream stream = new stream(cpu);

        Pointer get(String role, long bytes) {
            BytePointer b = byRole.get(role);
            if (b == null || b.capacity() < bytes) {
                if (b != null) {
                    b.close();
                }
                b = new BytePointer(Math.max(bytes, 64));
                byRole.put(role, b);
            }
            return b;
        }
    }

    /** A tensor as the caller has it and, where the primitive wants another layout, as the primitive has it. */
    private static final class Operand {
        final String role;
        final memory user;
        final memory inner;
        final long innerBytes;
        final reorder toInner;
        final reorder toUser;

        Operand(String role, memory.desc userDesc, memory.desc innerDesc, boolean isOutput) {
            this.role = role;
            this.user = new memory(userDesc, cpu, (Pointer) null);
            if (userDesc.equals(innerDesc)) {
                inner = user;
                innerBytes = 0;
                toInner = null;
                toUser = null;
            } else {
                inner = new memory(innerDesc, cpu, (Pointer) null);
                innerBytes = innerDesc.get_size();
                toInner = isOutput ? null : new reorder(user, inner);
                toUser = isOutput ? new reorder(inner, user) : null;
            }
        }

        /** Points at this call's arrays; converts an input into the primitive's layout. */
        memory bind(Pointer data, Buffers buffers) {
            user.set_data_handle(data);
            if (inner != user) {
                inner.set_data_handle(buffers.get(role, innerBytes));
                if (toInner != null) {
                    toInner.execute(buffers.stream, user, inner);
                }
            }
            return inner;
        }

        /** Converts an output back into the caller's layout. */
        void finish(Buffers buffers) {
            if (toUser != null) {
                toUser.execute(buffers.stream, inner, user);
            }
        }
    }

    /** The forward primitive of one layer at one input shape, with its operands. */
    private static final class ForwardPlan {
        private final convolution_forward forward;
        private final memory.desc scratchpad;
        private final Operand src;
        private final Operand weights;
        private final Operand dst;
        private final memory bias;
        /** oneDNN's name for the primitive's implementation, such as {@code brgconv:avx512_core}. */
        private final String implementation;
        /** A frozen layer's weights as this primitive wants them, once its first call has looked them up. */
        private memory frozenWeights;

        ForwardPlan(INDArray input, INDArray w, INDArray output, int[] strides, int[] pad, int[] dilation,
                    CNN2DFormat format, boolean withBias, boolean frozen, BlockedStages blocked) {
            Geometry g = new Geometry(Plan.dims(input, format), w.shape(), Plan.dims(output, format), strides, pad, dilation);
            memory.desc x = blocked != null ? blocked.desc(g.x) : activation(input, format);
            memory.desc y = blocked != null ? blocked.desc(g.y) : activation(output, format);
            // blocked stages: the primitive works on the arrays as they are; otherwise oneDNN picks, and the arrays are converted
            memory.desc xAsked = blocked != null ? x : any(g.x);
            memory.desc yAsked = blocked != null ? y : any(g.y);
            memory.desc biasDesc = withBias ? g.bias() : new memory.desc();
            primitive_attr attr = new primitive_attr();
            attr.set_scratchpad_mode(dnnl.scratchpad_mode.user);
            convolution_forward.primitive_desc pd = null;
            if (frozen && g.isWinogradShape()) {
                pd = winograd(g, xAsked, biasDesc, yAsked, attr);
            }
            if (pd == null) {
                // convolution_auto, as libnd4j asks; on AVX-512 oneDNN runs its brgemm kernels (DNNL_VERBOSE shows
                // brgconv), or on blocked stages its jit ones (jit:avx512_common, jit_1x1:avx512_common)
                pd = new convolution_forward.primitive_desc(
                        new convolution_forward.desc(dnnl.prop_kind.forward_inference, dnnl.algorithm.convolution_auto,
                                xAsked, any(g.w), biasDesc, yAsked, g.stride, g.dilation, g.padL, g.padR), attr, cpu);
            }
            forward = new convolution_forward(pd);
            scratchpad = pd.scratchpad_desc();
            src = new Operand("src", x, pd.src_desc(), false);
            weights = new Operand("weights", Plan.strided(w), pd.weights_desc(), false);
            dst = new Operand("dst", y, pd.dst_desc(), true);
            bias = withBias ? new memory(biasDesc, cpu, (Pointer) null) : null;
            implementation = pd.impl_info_str().getString();
            LOG.debug("convolution {} forward: {}", Arrays.toString(g.w), implementation);
        }

        /** Winograd's primitive for this geometry, or {@code null} where this machine's oneDNN has none. */
        private static convolution_forward.primitive_desc winograd(Geometry g, memory.desc x, memory.desc biasDesc,
                                                                   memory.desc y, primitive_attr attr) {
            try {
                return new convolution_forward.primitive_desc(
                        new convolution_forward.desc(dnnl.prop_kind.forward_inference, dnnl.algorithm.convolution_winograd,
                                x, any(g.w), biasDesc, y, g.stride, g.dilation, g.padL, g.padR), attr, cpu);
            } catch (RuntimeException e) { // "could not create a primitive descriptor iterator": no AVX-512, say
                LOG.debug("convolution {}: no Winograd forward pass here ({})", Arrays.toString(g.w), e.getMessage());
                return null;
            }
        }

        /**
         * Runs the primitive. {@code frozen} holds a frozen network's converted weights, which then stand in
         * for {@code w}; for other networks it is {@code null} and {@code w} is converted at every call.
         */
        void run(INDArray input, INDArray w, INDArray b, INDArray output, Buffers buffers, FrozenWeights frozen) {
            IntMemoryMap args = new IntMemoryMap();
            args.put(dnnl.DNNL_ARG_SRC, src.bind(address(input), buffers));
            if (frozen != null && frozenWeights == null) {
                frozenWeights = frozen.converted(weights, address(w), buffers);
            }
            args.put(dnnl.DNNL_ARG_WEIGHTS, frozen != null ? frozenWeights : weights.bind(address(w), buffers));
            args.put(dnnl.DNNL_ARG_DST, dst.bind(address(output), buffers));
            if (bias != null) {
                bias.set_data_handle(address(b));
                args.put(dnnl.DNNL_ARG_BIAS, bias);
            }
            args.put(dnnl.DNNL_ARG_SCRATCHPAD, Plan.scratch(scratchpad, buffers));
            forward.execute(buffers.stream, args);
            dst.finish(buffers);
            buffers.stream._wait();
        }
    }

    /** A convolution's sizes in oneDNN's terms. */
    private static final class Geometry {
        final long[] x;
        final long[] w;
        final long[] y;
        final long[] stride;
        final long[] dilation;
        final long[] padL;
        final long[] padR;

        Geometry(long[] x, long[] w, long[] y, int[] strides, int[] pad, int[] dilation) {
            this.x = x;
            this.w = w;
            this.y = y;
            this.stride = new long[] {strides[0], strides[1]};
            this.dilation = new long[] {dilation[0] - 1, dilation[1] - 1}; // oneDNN counts the gaps
            this.padL = new long[] {pad[0], pad[1]};
            this.padR = new long[] {
                (y[2] - 1) * strides[0] - x[2] + (w[2] - 1) * dilation[0] + 1 - pad[0],
                (y[3] - 1) * strides[1] - x[3] + (w[3] - 1) * dilation[1] + 1 - pad[1]};
        }

        memory.desc bias() {
            return new memory.desc(new long[] {w[0]}, memory.data_type.f32, memory.format_tag.x);
        }

        /** Whether this is a 3×3 convolution with stride 1 and no dilation, the shape oneDNN's Winograd computes. */
        boolean isWinogradShape() {
            return w[2] == 3 && w[3] == 3 && stride[0] == 1 && stride[1] == 1 && dilation[0] == 0 && dilation[1] == 0;
        }
    }

    /**
     * A frozen layer's weights in the layouts its forward primitives want, each converted once and kept
     * for the layer's life. Most layers need one; oneDNN's Winograd kernels lay weights out differently at
     * some batch sizes (a ResNet-18's layer1 at batches 1, 3 and 4, its layer3 at 32).
     */
    private static final class FrozenWeights {
        /** A converted copy and its memory (which oneDNN's {@code memory} does not keep reachable). */
        private record Converted(memory memory, BytePointer data) {
        }

        private final List<Converted> converted = new ArrayList<>();

        /**
         * The weights {@code operand} describes, converted from {@code data} into its primitive's layout:
         * a copy kept from an earlier primitive that wanted the same layout, or a new one.
         */
        memory converted(Operand operand, Pointer data, Buffers buffers) {
            if (operand.inner == operand.user) {
                operand.user.set_data_handle(data);
                return operand.user;
            }
            memory.desc wanted = operand.inner.get_desc();
            for (Converted c : converted) {
                if (c.memory.get_desc().equals(wanted)) {
                    return c.memory;
                }
            }
            BytePointer copy = new BytePointer(operand.innerBytes);
            memory m = new memory(wanted, cpu, copy);
            operand.user.set_data_handle(data);
            new reorder(operand.user, m).execute(buffers.stream, operand.user, m);
            buffers.stream._wait();
            converted.add(new Converted(m, copy));
            return m;
        }
    }

    /** The backward primitives of one layer at one input shape, with their operands. */
    private static final class Plan {
        private final convolution_backward_data backwardData;
        private final convolution_backward_weights backwardWeights;
        private final memory.desc dataScratch;
        private final memory.desc weightsScratch;
        private final Operand weightsForData;
        private final Operand deltaForData;
        private final Operand gradInput;
        private final Operand src;
        private final Operand deltaForWeights;
        private final Operand gradWeights;
        private final memory gradBias;
        private final boolean shareDelta;

        Plan(INDArray input, INDArray weights, INDArray delta, int[] strides, int[] pad, int[] dilation,
             CNN2DFormat format, boolean withBias, boolean inputGradient) {
            Geometry g = new Geometry(dims(input, format), weights.shape(), dims(delta, format), strides, pad, dilation);
            memory.desc bias = withBias ? g.bias() : new memory.desc();
            convolution_forward.primitive_desc hint = new convolution_forward.primitive_desc(
                    new convolution_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct,
                            any(g.x), any(g.w), bias, any(g.y), g.stride, g.dilation, g.padL, g.padR), cpu);
            primitive_attr attr = new primitive_attr();
            attr.set_scratchpad_mode(dnnl.scratchpad_mode.user);

            convolution_backward_weights.primitive_desc bw = new convolution_backward_weights.primitive_desc(
                    new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, any(g.x), any(g.w), bias, any(g.y),
                            g.stride, g.dilation, g.padL, g.padR), attr, cpu, hint);
            backwardWeights = new convolution_backward_weights(bw);
            weightsScratch = bw.scratchpad_desc();
            src = new Operand("src", activation(input, format), bw.src_desc(), false);
            deltaForWeights = new Operand("delta", activation(delta, format), bw.diff_dst_desc(), false);
            gradWeights = new Operand("gradWeights", strided(weights), bw.diff_weights_desc(), true);
            gradBias = withBias ? new memory(bias, cpu, (Pointer) null) : null;

            LOG.debug("convolution {} backward weights: {}", Arrays.toString(g.w), bw.impl_info_str().getString());
            if (!inputGradient) {
                backwardData = null;
                dataScratch = null;
                weightsForData = null;
                deltaForData = null;
                gradInput = null;
                shareDelta = false;
                return;
            }
            convolution_backward_data.primitive_desc bd = new convolution_backward_data.primitive_desc(
                    new convolution_backward_data.desc(dnnl.algorithm.convolution_direct, any(g.x), any(g.w), any(g.y),
                            g.stride, g.dilation, g.padL, g.padR), attr, cpu, hint);
            backwardData = new convolution_backward_data(bd);
            dataScratch = bd.scratchpad_desc();
            weightsForData = new Operand("weights", strided(weights), bd.weights_desc(), false);
            shareDelta = bd.diff_dst_desc().equals(bw.diff_dst_desc());
            deltaForData = new Operand(shareDelta ? "delta" : "deltaForData", activation(delta, format),
                    bd.diff_dst_desc(), false);
            gradInput = new Operand("gradInput", activation(input, format), bd.diff_src_desc(), true);
            LOG.debug("convolution {} backward data: {}", Arrays.toString(g.w), bd.impl_info_str().getString());
        }

        static long[] dims(INDArray a, CNN2DFormat format) {
            long[] d = a.shape();
            return format == CNN2DFormat.NCHW ? d : new long[] {d[0], d[3], d[1], d[2]};
        }

        /** Weights ({@code [oC, iC, kH, kW]}) as the array lays them out. */
        static memory.desc strided(INDArray a) {
            return new memory.desc(a.shape(), memory.data_type.f32, a.stride());
        }

        void run(INDArray input, INDArray weights, INDArray delta, INDArray gradAtInput, INDArray weightGrad,
                 INDArray biasGrad, Buffers buffers) {
            memory dy = deltaForWeights.bind(address(delta), buffers);
            memory x = src.bind(address(input), buffers);
            memory dw = gradWeights.bind(address(weightGrad), buffers);
            IntMemoryMap args = new IntMemoryMap();
            args.put(dnnl.DNNL_ARG_SRC, x);
            args.put(dnnl.DNNL_ARG_DIFF_DST, dy);
            args.put(dnnl.DNNL_ARG_DIFF_WEIGHTS, dw);
            if (biasGrad != null) {
                gradBias.set_data_handle(address(biasGrad));
                args.put(dnnl.DNNL_ARG_DIFF_BIAS, gradBias);
            }
            args.put(dnnl.DNNL_ARG_SCRATCHPAD, scratch(weightsScratch, buffers));
            backwardWeights.execute(buffers.stream, args);
            gradWeights.finish(buffers);
            if (gradAtInput != null) {
                memory dyData = shareDelta ? dy : deltaForData.bind(address(delta), buffers);
                IntMemoryMap dataArgs = new IntMemoryMap();
                dataArgs.put(dnnl.DNNL_ARG_DIFF_DST, dyData);
                dataArgs.put(dnnl.DNNL_ARG_WEIGHTS, weightsForData.bind(address(weights), buffers));
                dataArgs.put(dnnl.DNNL_ARG_DIFF_SRC, gradInput.bind(address(gradAtInput), buffers));
                dataArgs.put(dnnl.DNNL_ARG_SCRATCHPAD, scratch(dataScratch, buffers));
                backwardData.execute(buffers.stream, dataArgs);
                gradInput.finish(buffers);
            }
            buffers.stream._wait();
        }

        static memory scratch(memory.desc desc, Buffers buffers) {
            return new memory(desc, cpu, buffers.get("scratchpad", desc.get_size()));
        }
    }
}
