package dev.stfpm.nn;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.nn.dl4j.Dl4jWorkarounds;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A ResNet-18 that maps an image batch to its feature pyramid: the outputs of the stages named in
 * {@link StfpmConfig#pyramidLevels()} (conv2_x, conv3_x, conv4_x of the paper; torchvision's
 * layer1, layer2, layer3). At 256×256 input these are 64×64×64, 128×32×32 and 256×16×16.
 *
 * <p>The {@linkplain #teacher teacher} holds pre-trained weights and is only ever run in inference
 * mode. The {@linkplain #student student} has the same architecture, random initialisation, and a
 * {@link PyramidMatchingLoss} output per level whose labels are the teacher's features, so fitting
 * it minimises Eq. 3.
 */
public final class FeaturePyramid {

    /** The name of the graph's input vertex. */
    public static final String INPUT = "input";

    private final ComputationGraph graph;
    private final List<String> levels;
    private final int imageSize;

    private FeaturePyramid(ComputationGraph graph, List<String> levels, int imageSize) {
        this.graph = graph;
        this.levels = levels;
        this.imageSize = imageSize;
    }

    /**
     * Builds the frozen teacher with imported weights (batch norm folded into the biases).
     *
     * @param weights the teacher's convolution weights
     * @param config  image size and pyramid levels
     * @return the teacher
     */
    public static FeaturePyramid teacher(TeacherWeights weights, StfpmConfig config) {
        ComputationGraphConfiguration conf = teacherConfiguration(config);
        // zeros, not random numbers: every parameter is set below
        FeaturePyramid teacher = build(conf, Nd4j.zeros(DataType.FLOAT, 1, parameterCount(conf)), config, false);
        ComputationGraph net = teacher.graph;
        for (Layer layer : net.getLayers()) {
            String name = layer.getConfig().getLayerName();
            if (layer.paramTable().containsKey("W")) {
                ConvWeights w = weights.conv(name);
                INDArray kernel = layer.getParam("W");
                INDArray bias = layer.getParam("b");
                long[] expected = kernel.shape();
                if (expected[0] != w.outChannels() || expected[1] != w.inChannels()
                        || expected[2] != w.kernelH() || expected[3] != w.kernelW()) {
                    throw new IllegalArgumentException("teacher weights for " + name + " have shape ["
                            + w.outChannels() + ", " + w.inChannels() + ", " + w.kernelH() + ", " + w.kernelW()
                            + "], the network needs " + Arrays.toString(expected));
                }
                kernel.assign(Nd4j.create(w.weight(), expected, 'c'));
                bias.assign(Nd4j.create(w.bias(), bias.shape(), 'c'));
            }
        }
        return teacher;
    }

    /**
     * Builds the teacher's architecture with random weights (seeded by {@link StfpmConfig#seed()}): a
     * stand-in teacher for tests and benchmarks, whose results do not depend on the weights' values.
     *
     * @param config image size and pyramid levels
     * @return the teacher network with random weights
     */
    public static FeaturePyramid teacher(StfpmConfig config) {
        return build(teacherConfiguration(config), null, config, false);
    }

    /**
     * Builds the teacher's architecture around saved parameters, without initialising any first.
     *
     * @param config image size and pyramid levels
     * @param params {@code [1, n]}: every parameter, in the order of {@link ComputationGraph#params()}
     * @return the teacher; it uses {@code params} as its parameters (not a copy)
     * @throws IllegalArgumentException if {@code params} has another length than the network's
     */
    static FeaturePyramid teacher(StfpmConfig config, INDArray params) {
        return build(teacherConfiguration(config), params, config, false);
    }

    /**
     * Builds a randomly initialised student, seeded by {@link StfpmConfig#seed()}, ready to train
     * with SGD (classical momentum, L2 weight decay) as configured.
     *
     * @param config every setting
     * @return the student
     */
    public static FeaturePyramid student(StfpmConfig config) {
        return build(studentConfiguration(config), null, config, true);
    }

    /**
     * Builds the student's architecture around saved parameters, without initialising any first.
     *
     * @param config every setting
     * @param params {@code [1, n]}: every parameter, in the order of {@link ComputationGraph#params()}
     * @return the student; it uses {@code params} as its parameters (not a copy)
     * @throws IllegalArgumentException if {@code params} has another length than the network's
     */
    static FeaturePyramid student(StfpmConfig config, INDArray params) {
        return build(studentConfiguration(config), params, config, true);
    }

    private static ComputationGraphConfiguration teacherConfiguration(StfpmConfig config) {
        GraphBuilder g = base(config).graphBuilder();
        List<String> outputs = trunk(g, config, ResNet18.Variant.FOLDED_BATCH_NORM);
        g.setOutputs(outputs.toArray(String[]::new));
        return g.build();
    }

    private static ComputationGraphConfiguration studentConfiguration(StfpmConfig config) {
        NeuralNetConfiguration.Builder base = base(config)
                .updater(Dl4jWorkarounds.sgdMomentum(config.learningRate(), config.momentum()))
                .l2(config.weightDecay())
                .miniBatch(false);
        GraphBuilder g = base.graphBuilder();
        List<String> outputs = trunk(g, config, ResNet18.Variant.BATCH_NORM);
        String[] losses = new String[outputs.size()];
        for (int i = 0; i < outputs.size(); i++) {
            losses[i] = outputs.get(i) + ".loss";
            g.addLayer(losses[i], new PyramidMatchingLoss(losses[i]), outputs.get(i));
        }
        g.setOutputs(losses); // Eq. 3: the graph's loss is the sum of its output layers' losses (all α_l = 1)
        return g.build();
    }

    /**
     * The network of {@code conf}: randomly initialised (seeded by the configuration) where
     * {@code params} is {@code null}, else with {@code params} as its parameters.
     */
    private static FeaturePyramid build(ComputationGraphConfiguration conf, INDArray params, StfpmConfig config,
                                        boolean trainable) {
        Dl4jWorkarounds.enableOneDnn();
        ComputationGraph net = new ComputationGraph(conf);
        if (params == null) {
            net.init();
        } else {
            long expected = parameterCount(conf);
            if (params.length() != expected) {
                throw new IllegalArgumentException("holds " + params.length() + " parameters, the network its"
                        + " configuration builds has " + expected);
            }
            net.init(params.reshape(1, expected), false);
        }
        Dl4jWorkarounds.learnWorkspacesInOneCycle(net);
        if (trainable) {
            Dl4jWorkarounds.installBatchNormHelper(net);
        }
        Dl4jWorkarounds.installOneDnnConvolution(net, !trainable); // a network that does not train is frozen
        return new FeaturePyramid(net, config.pyramidLevels(), config.imageSize());
    }

    /** The parameters a network of {@code conf} has, counted as {@link ComputationGraph#init()} counts them. */
    private static long parameterCount(ComputationGraphConfiguration conf) {
        return conf.getVertices().values().stream().mapToLong(v -> v.numParams(true)).sum();
    }

    private static NeuralNetConfiguration.Builder base(StfpmConfig config) {
        return new NeuralNetConfiguration.Builder()
                .seed(config.seed())
                .dataType(DataType.FLOAT)
                .convolutionMode(ConvolutionMode.Truncate)
                .cacheMode(CacheMode.NONE) // no copy of each convolution's output: see Dl4jWorkarounds.installOneDnnConvolution
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
    }

    /** @return the networks' input: 3-channel {@code size × size} images, channels-last */
    private static InputType input(int size) {
        return InputType.convolutional(size, size, 3, CNN2DFormat.NHWC);
    }

    /** Adds input and trunk; returns the configured levels' vertex names. */
    private static List<String> trunk(GraphBuilder g, StfpmConfig config, ResNet18.Variant variant) {
        g.addInputs(INPUT).setInputTypes(input(config.imageSize()));
        int stages = StfpmConfig.ALL_LEVELS.indexOf(config.pyramidLevels().get(config.pyramidLevels().size() - 1)) + 1;
        List<String> all = ResNet18.addTrunk(g, INPUT, variant, stages);
        return all.stream().filter(config.pyramidLevels()::contains).toList();
    }

    /**
     * An inference-only copy of this student with every batch norm (running statistics) folded into
     * the convolution before it: the same features as {@link #features}, computed by the teacher's
     * smaller graph. {@link StfpmModel} tests images with it.
     *
     * @param config the settings this student was built with
     * @return the folded network
     */
    public FeaturePyramid foldBatchNorm(StfpmConfig config) {
        return teacher(foldedWeights(), config);
    }

    /**
     * This network's convolutions as inference computes them: for the student, each batch norm
     * (running statistics) folded into the convolution before it; for the teacher, its weights as
     * they are. What the ONNX export writes.
     *
     * @return the weights of every convolution the network has, by torchvision name
     */
    public TeacherWeights foldedWeights() {
        Map<String, ConvWeights> convs = new HashMap<>();
        for (String name : ResNet18.convNames()) {
            if (graph.getVertex(name) == null) {
                continue;
            }
            Layer layer = graph.getLayer(name);
            long[] k = layer.getParam("W").shape();
            float[] bias = layer.paramTable().containsKey("b") ? param(layer, "b") : new float[(int) k[0]];
            ConvWeights conv = new ConvWeights((int) k[0], (int) k[1], (int) k[2], (int) k[3], param(layer, "W"), bias);
            String bnName = ResNet18.batchNormAfter(name);
            if (graph.getVertex(bnName) != null) {
                Layer bn = graph.getLayer(bnName);
                float[] variance = bn.paramTable().containsKey("var") ? param(bn, "var")
                        : varianceFromLog10Std(param(bn, "log10stdev"));
                conv = conv.foldBatchNorm(param(bn, "gamma"), param(bn, "beta"), param(bn, "mean"), variance,
                        ResNet18.BN_EPS);
            }
            convs.put(name, conv);
        }
        return new TeacherWeights(convs);
    }

    /** A layer's parameter, copied to the Java heap. */
    private static float[] param(Layer layer, String name) {
        return Dl4jWorkarounds.toHeap(layer.getParam(name));
    }

    /** Deeplearning4j stores {@code log10(std)} by default; its inference uses {@code var = std²}. */
    private static float[] varianceFromLog10Std(float[] log10Std) {
        float[] var = new float[log10Std.length];
        for (int i = 0; i < var.length; i++) {
            var[i] = (float) Math.pow(10, 2.0 * log10Std[i]);
        }
        return var;
    }

    /**
     * Runs the network in inference mode.
     *
     * @param images {@code [N, S, S, 3]} normalised images, channels-last (see {@link #images})
     * @return one {@code [N, C, H, W]} feature map per pyramid level, in level order; detached
     *         from any workspace
     */
    public INDArray[] features(INDArray images) {
        return Dl4jWorkarounds.output(graph, images);
    }

    /**
     * The shape of each level's features of one image, known from the configuration without running
     * the network.
     *
     * @return {@code [C, H, W]} per pyramid level, in level order: what {@link #features} returns per image
     */
    public long[][] levelShapes() {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        Map<String, InputType> types = conf.getLayerActivationTypes(input(imageSize));
        return levels.stream().map(level -> {
            InputType.InputTypeConvolutional t = (InputType.InputTypeConvolutional) types.get(level);
            return new long[] {t.getChannels(), t.getHeight(), t.getWidth()};
        }).toArray(long[][]::new);
    }

    /**
     * Packs preprocessed images into the networks' input.
     *
     * @param images {@code 3 × size × size} channel-first images, as
     *               {@link dev.stfpm.core.image.ImagePreprocessor#load} returns them
     * @param size   the side of each image
     * @return {@code [N, size, size, 3]}
     */
    public static INDArray images(List<float[]> images, int size) {
        int plane = size * size;
        float[] packed = new float[images.size() * 3 * plane];
        for (int i = 0; i < images.size(); i++) {
            float[] img = images.get(i);
            if (img.length != 3 * plane) {
                throw new IllegalArgumentException("image " + i + " has " + img.length + " values, expected 3x"
                        + size + "x" + size);
            }
            int base = i * 3 * plane;
            for (int p = 0; p < plane; p++) {
                packed[base + 3 * p] = img[p];
                packed[base + 3 * p + 1] = img[plane + p];
                packed[base + 3 * p + 2] = img[2 * plane + p];
            }
        }
        return Nd4j.create(packed, new long[] {images.size(), size, size, 3}, 'c');
    }

    /** @return the pyramid levels, in network order */
    public List<String> levels() {
        return levels;
    }

    /** @return the side of the square input images, in pixels */
    public int imageSize() {
        return imageSize;
    }

    /**
     * @return the underlying Deeplearning4j graph (for training, saving and benchmarks). The teacher's
     *         and a folded student's graphs may run their stages in oneDNN's blocked layout, in arrays
     *         shaped channels-first: their outputs are channels-first only through {@link #features}
     */
    public ComputationGraph graph() {
        return graph;
    }
}
