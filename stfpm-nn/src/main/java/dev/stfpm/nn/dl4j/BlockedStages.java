package dev.stfpm.nn.dl4j;

import static dev.stfpm.nn.dl4j.OneDnnConvolution.activation;
import static dev.stfpm.nn.dl4j.OneDnnConvolution.address;
import static dev.stfpm.nn.dl4j.OneDnnConvolution.any;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.PreprocessorVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stages of a frozen network (teacher, folded student) in oneDNN's blocked layout from one
 * convolution to the next, instead of channels-first with a layout conversion before and after every
 * convolution (28 per call, 1.76 ms of a teacher's 11.1 ms of oneDNN time at batch 1; docs/DESIGN.md,
 * "Blocked stages in the networks that never train").
 *
 * <p>Deeplearning4j's arrays have no such layout, so the stages' activations are {@code [N, C, H, W]}
 * arrays whose memory holds oneDNN's {@code nChw16c} (or {@code nChw8c}) order instead: the same
 * number of elements, in another order. Between the convolutions only ReLUs and residual sums touch
 * them, and both work element by element on arrays of one layout, so they compute the same. The
 * layout enters at the stem's conversion to the stages (this preprocessor, in place of
 * {@link ChannelsFirst}) and leaves at the network's outputs ({@link #toPlain}); every convolution of
 * the stages reads and writes it ({@link OneDnnConvolution}). Nothing else may read a network's
 * activations in between: only {@code FeaturePyramid.features}, which converts its outputs, runs
 * these networks.
 *
 * <p>Installed on a live network only, never in its configuration, so saved networks and their JSON
 * still name {@link ChannelsFirst}.
 */
final class BlockedStages implements InputPreProcessor {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BlockedStages.class);
    /** oneDNN's blocked layout on this machine, probed once; {@code null} where the stages stay channels-first. */
    private static memory.format_tag probed;
    private static boolean isProbed;

    private final transient memory.format_tag tag;
    private final transient Map<String, Conversion> conversions = new HashMap<>();
    private transient stream stream;
    private transient BytePointer scratch;

    private BlockedStages(memory.format_tag tag) {
        this.tag = tag;
    }

    /**
     * Puts the stages of a frozen network into the blocked layout: replaces its {@link ChannelsFirst}
     * preprocessor. Does nothing where this machine's oneDNN prefers no blocked layout, a stage's
     * channels are not a multiple of the block, or the network has not exactly one {@link ChannelsFirst}.
     *
     * @param graph    an initialised frozen network
     * @param channels the input and output channels of every convolution in the stages
     * @return the layout, for the stages' convolutions; {@code null} if the stages stay channels-first
     */
    static BlockedStages install(ComputationGraph graph, long[] channels) {
        memory.format_tag tag = tag();
        if (tag == null) {
            return null;
        }
        int block = tag == memory.format_tag.aBcd16b ? 16 : 8;
        for (long c : channels) {
            if (c % block != 0) {
                return null;
            }
        }
        PreprocessorVertex stem = null;
        for (GraphVertex v : graph.getVertices()) {
            if (v instanceof PreprocessorVertex p && p.getPreProcessor() instanceof ChannelsFirst) {
                if (stem != null) {
                    return null;
                }
                stem = p;
            }
        }
        if (stem == null) {
            return null;
        }
        BlockedStages layout = new BlockedStages(tag);
        try {
            Field field = PreprocessorVertex.class.getDeclaredField("preProcessor");
            field.setAccessible(true);
            field.set(stem, layout);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot replace a preprocessor in this Deeplearning4j version", e);
        }
        return layout;
    }

    /** @return the network's layout converter, or {@code null} if its stages are channels-first */
    static BlockedStages of(ComputationGraph graph) {
        for (GraphVertex v : graph.getVertices()) {
            if (v instanceof PreprocessorVertex p && p.getPreProcessor() instanceof BlockedStages b) {
                return b;
            }
        }
        return null;
    }

    /** The blocked layout oneDNN's forward convolutions read and write here, or {@code null}. */
    private static synchronized memory.format_tag tag() {
        if (!isProbed) {
            isProbed = true;
            probed = probe();
            LOG.debug("stages of frozen networks in layout {}", probed == null ? "NCHW" : probed);
        }
        return probed;
    }

    private static memory.format_tag probe() {
        long[] x = {1, 64, 32, 32};
        long[] w = {64, 64, 3, 3};
        convolution_forward.primitive_desc pd;
        try {
            pd = new convolution_forward.primitive_desc(new convolution_forward.desc(dnnl.prop_kind.forward_inference,
                    dnnl.algorithm.convolution_winograd, any(x), any(w), new memory.desc(), any(x),
                    new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1}, new long[] {1, 1}), OneDnnConvolution.engine());
        } catch (RuntimeException e) { // no Winograd here
            return null;
        }
        for (memory.format_tag t : new memory.format_tag[] {memory.format_tag.aBcd16b, memory.format_tag.aBcd8b}) {
            if (pd.src_desc().equals(new memory.desc(x, memory.data_type.f32, t))) {
                return t;
            }
        }
        return null;
    }

    /** @param dims {@code N, C, H, W} @return an activation of the stages, as its memory holds it */
    memory.desc desc(long[] dims) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    /** Channels-last pooled activations ({@code [N, H, W, C]}) into the stages' layout, shaped {@code [N, C, H, W]}. */
    @Override
    public synchronized INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        long[] s = input.shape();
        long[] dims = {s[0], s[3], s[1], s[2]};
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, dims, 'c');
        Conversion c = conversions.computeIfAbsent("in" + Arrays.toString(s) + Arrays.toString(input.stride()),
                k -> new Conversion(activation(input, CNN2DFormat.NHWC), desc(dims)));
        c.run(address(input), address(out), stream());
        return out;
    }

    /**
     * Converts a network's outputs from the stages' layout to channels-first, in place.
     *
     * @param outputs the network's outputs, {@code [N, C, H, W]}, each its own dense buffer
     * @return {@code outputs}
     */
    synchronized INDArray[] toPlain(INDArray[] outputs) {
        for (INDArray a : outputs) {
            long[] dims = a.shape();
            long bytes = a.length() * Float.BYTES;
            if (scratch == null || scratch.capacity() < bytes) {
                if (scratch != null) {
                    scratch.close();
                }
                scratch = new BytePointer(bytes);
            }
            Conversion c = conversions.computeIfAbsent("out" + Arrays.toString(dims),
                    k -> new Conversion(desc(dims), new memory.desc(dims, memory.data_type.f32, memory.format_tag.abcd)));
            Pointer data = address(a);
            c.run(data, scratch, stream());
            Pointer.memcpy(data, scratch, bytes);
        }
        return outputs;
    }

    private stream stream() {
        if (stream == null) {
            stream = new stream(OneDnnConvolution.engine());
        }
        return stream;
    }

    /** A reorder between two layouts of one shape. */
    private static final class Conversion {
        final memory from;
        final memory to;
        final reorder reorder;

        Conversion(memory.desc from, memory.desc to) {
            this.from = new memory(from, OneDnnConvolution.engine(), (Pointer) null);
            this.to = new memory(to, OneDnnConvolution.engine(), (Pointer) null);
            this.reorder = new reorder(this.from, this.to);
        }

        void run(Pointer src, Pointer dst, stream s) {
            from.set_data_handle(src);
            to.set_data_handle(dst);
            reorder.execute(s, from, to);
            s._wait();
        }
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("a frozen network's stages do not train");
    }

    @Override
    public BlockedStages clone() {
        return new BlockedStages(tag);
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        return new ChannelsFirst().getOutputType(inputType);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
        return new Pair<>(maskArray, currentMaskState);
    }
}
