package dev.stfpm.nn;

import dev.stfpm.nn.dl4j.Dl4jWorkarounds;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;

/**
 * The ResNet-18 trunk of the paper's networks, from {@code conv1} to {@code layer3} (or
 * {@code layer4}, for the paper's Table 3), added to a
 * Deeplearning4j graph. Vertex names follow torchvision ({@code conv1}, {@code layer2.0.conv1},
 * {@code layer2.0.downsample.0}, …); the output of each stage is the vertex named after it
 * ({@code layer1} … {@code layer4}), the feature pyramid's levels.
 *
 * <p>The stem (conv1, bn1, ReLU, max pooling) runs channels-last and the stages channels-first:
 * oneDNN's max pooling is about seven times slower on channels-first data, while the stages train
 * faster channels-first (docs/DESIGN.md). {@link Dl4jWorkarounds#channelsFirst} converts between them once.
 *
 * <p>Two variants share the layout. The <em>student</em> has batch norm after every convolution,
 * trained from scratch. The <em>teacher</em> is used only for inference, so its batch norms are
 * folded into the convolutions' biases (identical output, fewer layers): that is also what
 * {@code torch.onnx.export} writes, and what {@code dev.stfpm.nn.onnx.OnnxTeacherImporter} produces
 * from exports that keep explicit batch norm nodes.
 */
public final class ResNet18 {

    /** torchvision's batch norm epsilon. */
    static final double BN_EPS = 1e-5;
    /** Channels of conv1 and of each stage. */
    private static final int[] WIDTH = {64, 64, 128, 256, 512};
    /** The deepest stage: {@code layer4}. */
    public static final int STAGES = WIDTH.length - 1;

    private ResNet18() {
    }

    /** Which variant to build. */
    public enum Variant {
        /** Convolutions with bias and batch norm folded in: the frozen, pre-trained teacher. */
        FOLDED_BATCH_NORM,
        /** Convolutions without bias followed by batch norm: the student. */
        BATCH_NORM
    }

    /**
     * Adds the trunk up to the deepest of the requested stages.
     *
     * @param g       the graph under construction; its input must be 3-channel images, channels-last
     *                ({@code [N, H, W, 3]})
     * @param input   the name of the input vertex
     * @param variant teacher or student layout
     * @param stages  how many stages to build (1 to 4: up to layer1 … layer4)
     * @return the names of the stage outputs, {@code layer1} … in order
     */
    public static List<String> addTrunk(GraphBuilder g, String input, Variant variant, int stages) {
        if (stages < 1 || stages > STAGES) {
            throw new IllegalArgumentException("stages must be 1.." + STAGES + ": " + stages);
        }
        Builder stem = new Builder(g, variant, CNN2DFormat.NHWC);
        String x = stem.convBnRelu("conv1", "bn1", "relu", input, 3, WIDTH[0], 7, 2, 3);
        g.addLayer("maxpool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).dataFormat(CNN2DFormat.NHWC)
                .kernelSize(3, 3).stride(2, 2).padding(1, 1).build(), x);
        g.addVertex("maxpool.nchw", new PreprocessorVertex(Dl4jWorkarounds.channelsFirst()), "maxpool");
        x = "maxpool.nchw";
        Builder b = new Builder(g, variant, CNN2DFormat.NCHW);
        List<String> outputs = new ArrayList<>();
        for (int stage = 1; stage <= stages; stage++) {
            int in = WIDTH[stage - 1];
            int out = WIDTH[stage];
            int stride = stage == 1 ? 1 : 2;
            x = b.basicBlock("layer" + stage + ".0", x, in, out, stride, null);
            x = b.basicBlock("layer" + stage + ".1", x, out, out, 1, "layer" + stage);
            outputs.add(x);
        }
        return outputs;
    }

    /**
     * @param stage 0 for the stem ({@code conv1}), 1 to 4 for {@code layer1} … {@code layer4}
     * @return the channels that stage outputs: 64, 64, 128, 256, 512
     */
    public static int width(int stage) {
        if (stage < 0 || stage >= WIDTH.length) {
            throw new IllegalArgumentException("stage must be 0.." + STAGES + ": " + stage);
        }
        return WIDTH[stage];
    }

    /**
     * @return the torchvision names of the trunk's 20 convolutions up to {@code layer4}, in network order
     */
    public static List<String> convNames() {
        return convNames(STAGES);
    }

    /**
     * @param stages how many stages (1 to 4)
     * @return the torchvision names of the convolutions up to that stage, in network order (15 up to {@code layer3})
     */
    public static List<String> convNames(int stages) {
        List<String> names = new ArrayList<>(List.of("conv1"));
        for (int stage = 1; stage <= stages; stage++) {
            for (int block = 0; block < 2; block++) {
                String p = "layer" + stage + "." + block;
                names.add(p + ".conv1");
                names.add(p + ".conv2");
                if (stage > 1 && block == 0) {
                    names.add(p + ".downsample.0");
                }
            }
        }
        return names;
    }

    /**
     * @param conv the torchvision name of a convolution
     * @return the name of the student's batch norm that follows it ({@code layer1.0.conv2} →
     *         {@code layer1.0.bn2}, {@code layer2.0.downsample.0} → {@code layer2.0.downsample.1})
     */
    public static String batchNormAfter(String conv) {
        if (conv.equals("conv1")) {
            return "bn1";
        }
        if (conv.endsWith(".downsample.0")) {
            return conv.substring(0, conv.length() - 1) + "1";
        }
        return conv.replace(".conv", ".bn");
    }

    /** Adds layers in one variant's layout. */
    private record Builder(GraphBuilder g, Variant variant, CNN2DFormat format) {

        boolean folded() {
            return variant == Variant.FOLDED_BATCH_NORM;
        }

        /** Convolution, then batch norm (student only). Returns the last vertex. */
        String convBn(String conv, String bn, String in, int cin, int cout, int k, int stride, int pad) {
            // torchvision's initialisation: Kaiming normal, fan-out, ReLU gain
            double std = Math.sqrt(2.0 / (cout * k * k));
            g.addLayer(conv, new ConvolutionLayer.Builder(k, k).dataFormat(format).stride(stride, stride).padding(pad, pad)
                    .nIn(cin).nOut(cout).hasBias(folded()).activation(Activation.IDENTITY)
                    .weightInit(new WeightInitDistribution(new NormalDistribution(0, std))).build(), in);
            if (folded()) {
                return conv;
            }
            g.addLayer(bn, new BatchNormalization.Builder().dataFormat(format).eps(BN_EPS).decay(0.9).nOut(cout).build(), conv);
            return bn;
        }

        String convBnRelu(String conv, String bn, String relu, String in, int cin, int cout, int k, int stride, int pad) {
            String x = convBn(conv, bn, in, cin, cout, k, stride, pad);
            g.addLayer(relu, Dl4jWorkarounds.relu(), x); // in place: only the ReLU reads the batch norm's output
            return relu;
        }

        /** torchvision's BasicBlock; {@code outName} names its output (default {@code prefix.relu2}). */
        String basicBlock(String prefix, String in, int cin, int cout, int stride, String outName) {
            String x = convBnRelu(prefix + ".conv1", prefix + ".bn1", prefix + ".relu1", in, cin, cout, 3, stride, 1);
            x = convBn(prefix + ".conv2", prefix + ".bn2", x, cout, cout, 3, 1, 1);
            String shortcut = in;
            if (stride != 1 || cin != cout) {
                shortcut = convBn(prefix + ".downsample.0", prefix + ".downsample.1", in, cin, cout, 1, stride, 0);
            }
            g.addVertex(prefix + ".add", new ElementWiseVertex(ElementWiseVertex.Op.Add), x, shortcut);
            String out = outName != null ? outName : prefix + ".relu2";
            g.addLayer(out, Dl4jWorkarounds.relu(), prefix + ".add"); // in place: only the ReLU reads the sum
            return out;
        }
    }
}
