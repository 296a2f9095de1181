package dev.stfpm.nn.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link BlockedStages}: a frozen network laid out as {@code ResNet18} lays out its trunk (a channels-last
 * stem, {@link ChannelsFirst}, then stages of residual blocks with in-place ReLUs, an output that also feeds
 * the next stage) gives the same outputs, channels-first, as the same network run channels-first, at several
 * batch sizes, while no convolution of its stages converts its activations. A network whose stages have
 * channels that are not a multiple of oneDNN's block stays channels-first.
 */
class BlockedStagesTest {

    private static ComputationGraphConfiguration trunk(int width) {
        OneDnn.enable();
        GraphBuilder g = new NeuralNetConfiguration.Builder().seed(17).dataType(DataType.FLOAT)
                .convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(32, 28, 3, CNN2DFormat.NHWC))
                .addLayer("stem", conv(3, 2, width, CNN2DFormat.NHWC), "in")
                .addLayer("stem.relu", Dl4jWorkarounds.relu(), "stem")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).dataFormat(CNN2DFormat.NHWC)
                        .kernelSize(3, 3).stride(2, 2).padding(1, 1).build(), "stem.relu")
                .addVertex("pool.nchw", new PreprocessorVertex(Dl4jWorkarounds.channelsFirst()), "pool");
        block(g, "s1", "pool.nchw", width, width, 1);
        block(g, "s2", "s1", width, 2 * width, 2);
        return g.setOutputs("s1", "s2").build();
    }

    private static ConvolutionLayer conv(int k, int stride, int out, CNN2DFormat format) {
        return new ConvolutionLayer.Builder(k, k).dataFormat(format).stride(stride, stride).padding(k / 2, k / 2)
                .nOut(out).hasBias(true).activation(Activation.IDENTITY).build();
    }

    /** A residual block: 3×3 (stride), ReLU, 3×3, plus the input (through a strided 1×1 if the shape changes), ReLU. */
    private static void block(GraphBuilder g, String name, String in, int cin, int cout, int stride) {
        g.addLayer(name + ".conv1", conv(3, stride, cout, CNN2DFormat.NCHW), in)
                .addLayer(name + ".relu1", Dl4jWorkarounds.relu(), name + ".conv1")
                .addLayer(name + ".conv2", conv(3, 1, cout, CNN2DFormat.NCHW), name + ".relu1");
        String shortcut = in;
        if (stride != 1 || cin != cout) {
            g.addLayer(name + ".down", conv(1, stride, cout, CNN2DFormat.NCHW), in);
            shortcut = name + ".down";
        }
        g.addVertex(name + ".add", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + ".conv2", shortcut)
                .addLayer(name, Dl4jWorkarounds.relu(), name + ".add");
    }

    /** Random parameters for a network of {@code conf}, larger than its initialisation's so that ReLUs cut. */
    private static INDArray randomParams(ComputationGraphConfiguration conf, long seed) {
        ComputationGraph init = new ComputationGraph(conf.clone());
        init.init();
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, init.params().shape()).muli(0.2);
    }

    private static ComputationGraph network(ComputationGraphConfiguration conf, INDArray params, boolean frozen) {
        ComputationGraph net = new ComputationGraph(conf.clone());
        net.init(params.dup(), true);
        OneDnnConvolution.install(net, frozen);
        return net;
    }

    @Test
    void aFrozenNetworksStagesRunBlockedAndItsOutputsMatchChannelsFirst() {
        ComputationGraphConfiguration conf = trunk(16);
        INDArray params = randomParams(conf, 19);
        ComputationGraph reference = network(conf, params, false);
        ComputationGraph frozen = network(conf, params, true);
        Assumptions.assumeTrue(BlockedStages.of(frozen) != null,
                () -> { System.out.println("BlockedStagesTest: skipped, oneDNN has no blocked layout for frozen stages here"); return "no blocked layout here"; });
        assertThat(BlockedStages.of(reference)).isNull();

        for (int batch : new int[] {4, 1, 3, 4}) {
            assertSameOutputs(reference, frozen, batch);
        }
        for (String name : new String[] {"s1.conv1", "s1.conv2", "s2.conv1", "s2.conv2", "s2.down"}) {
            assertThat(((OneDnnConvolution) frozen.getLayer(name).getHelper()).convertsActivations()).as(name).isFalse();
            assertThat(((OneDnnConvolution) reference.getLayer(name).getHelper()).convertsActivations()).as(name).isTrue();
        }
    }

    @Test
    void stagesWhoseChannelsAreNotAMultipleOfTheBlockStayChannelsFirst() {
        ComputationGraphConfiguration conf = trunk(12);
        INDArray params = randomParams(conf, 23);
        ComputationGraph frozen = network(conf, params, true);
        ComputationGraph reference = network(conf, params, false);
        assertThat(BlockedStages.of(frozen)).isNull();
        assertSameOutputs(reference, frozen, 2);
    }

    /** Both networks' outputs for a random batch: the same shapes, values within 10⁻⁴ of the largest. */
    private static void assertSameOutputs(ComputationGraph reference, ComputationGraph frozen, int batch) {
        INDArray x = Nd4j.randn(DataType.FLOAT, batch, 32, 28, 3);
        INDArray[] expected = Dl4jWorkarounds.output(reference, x);
        INDArray[] actual = Dl4jWorkarounds.output(frozen, x);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i].shape()).isEqualTo(expected[i].shape());
            double scale = expected[i].amaxNumber().doubleValue();
            assertThat(scale).isPositive();
            assertThat(actual[i].sub(expected[i]).amaxNumber().doubleValue() / scale)
                    .as("output %d at batch %d", i, batch).isLessThan(1e-4);
        }
    }
}
