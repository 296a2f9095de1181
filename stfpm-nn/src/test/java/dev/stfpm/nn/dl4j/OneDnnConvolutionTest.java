package dev.stfpm.nn.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link OneDnnConvolution} against Deeplearning4j's built-in convolution (im2col and GEMM, no
 * helper): the same activations, loss and gradient of every weight and bias, for a stem-like convolution
 * fed by the network's input (whose input gradient it skips), a strided 3×3 one with a bias and a
 * ReLU, and a 1×1 one, in both layouts, at two batch sizes (a network sees a smaller last batch
 * every epoch).
 *
 * <p>Deeplearning4j's own oneDNN helper is not the reference: channels-last, with the ReLU's
 * gradient as a permuted view, it returns wrong weight gradients (off by the gradients' own size),
 * which this test found.
 */
class OneDnnConvolutionTest {

    private static final String[] CONVOLUTIONS = {"stem", "strided", "pointwise"};

    private static ComputationGraph network(CNN2DFormat format) {
        OneDnn.enable();
        GraphBuilder g = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).updater(new NoOp())
                .convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(20, 18, 3, format))
                .addLayer("stem", new ConvolutionLayer.Builder(7, 7).dataFormat(format).stride(2, 2).padding(3, 3).nOut(16)
                        .hasBias(false).activation(Activation.IDENTITY).build(), "in")
                .addLayer("strided", new ConvolutionLayer.Builder(3, 3).dataFormat(format).stride(2, 2).padding(1, 1)
                        .nOut(32).hasBias(true).activation(Activation.RELU).build(), "stem")
                .addLayer("pointwise", new ConvolutionLayer.Builder(1, 1).dataFormat(format).nOut(16)
                        .hasBias(false).activation(Activation.IDENTITY).build(), "strided")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).format(format)
                        .activation(Activation.IDENTITY).build(), "pointwise")
                .setOutputs("loss");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    /** The network with every convolution on Deeplearning4j's built-in code. */
    private static ComputationGraph builtIn(CNN2DFormat format) {
        ComputationGraph net = network(format);
        for (String name : CONVOLUTIONS) {
            HelperField.set(org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class, net.getLayer(name), null);
        }
        return net;
    }

    @ParameterizedTest
    @EnumSource(CNN2DFormat.class)
    void matchesTheBuiltInConvolution(CNN2DFormat format) {
        ComputationGraph reference = builtIn(format);
        ComputationGraph direct = network(format);
        assertThat(OneDnnConvolution.install(direct, false)).isEqualTo(CONVOLUTIONS.length);
        for (String name : CONVOLUTIONS) {
            assertThat(direct.getLayer(name).getHelper()).isInstanceOf(OneDnnConvolution.class);
        }
        Nd4j.getRandom().setSeed(3);
        reference.params().assign(Nd4j.randn(DataType.FLOAT, reference.params().shape()).muli(0.2));
        direct.setParams(reference.params());
        for (int batch : new int[] {5, 2}) {
            long[] shape = format == CNN2DFormat.NCHW ? new long[] {batch, 3, 20, 18} : new long[] {batch, 20, 18, 3};
            long[] outShape = format == CNN2DFormat.NCHW ? new long[] {batch, 16, 5, 5} : new long[] {batch, 5, 5, 16};
            INDArray x = Nd4j.randn(DataType.FLOAT, shape);
            INDArray y = Nd4j.randn(DataType.FLOAT, outShape);
            for (boolean training : new boolean[] {true, false}) {
                for (String name : CONVOLUTIONS) {
                    INDArray expected = reference.feedForward(new INDArray[] {x}, training).get(name);
                    INDArray actual = direct.feedForward(new INDArray[] {x}, training).get(name);
                    assertThat(actual.shape()).isEqualTo(expected.shape());
                    assertThat(actual.sub(expected).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue())
                            .as("%s's activations at batch %d", name, batch).isLessThan(1e-5);
                }
            }
            reference.setInputs(x);
            reference.setLabels(y);
            reference.computeGradientAndScore();
            direct.setInputs(x);
            direct.setLabels(y);
            direct.computeGradientAndScore();
            assertThat(direct.score()).isCloseTo(reference.score(), within(1e-5 * Math.abs(reference.score())));
            Map<String, INDArray> expected = reference.gradient().gradientForVariable();
            Map<String, INDArray> actual = direct.gradient().gradientForVariable();
            assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet()).contains("stem_W", "strided_b");
            for (String name : expected.keySet()) {
                double scale = expected.get(name).amaxNumber().doubleValue();
                assertThat(scale).as(name).isPositive();
                assertThat(actual.get(name).sub(expected.get(name)).amaxNumber().doubleValue() / scale)
                        .as("%s at batch %d", name, batch).isLessThan(1e-5);
            }
        }
    }

    /**
     * A frozen network: its 3×3 convolutions with stride 1 run Winograd (one with stride 2 and a 1×1 one
     * keep oneDNN's choice, its direct algorithm), and every layer converts its weights once, in as many
     * layouts as its batch sizes need (oneDNN picks another Winograd kernel at batch 1). Outputs match the
     * built-in convolution up to Winograd's rounding.
     */
    @ParameterizedTest
    @EnumSource(CNN2DFormat.class)
    void aFrozenNetworkRunsWinogradWithWeightsConvertedOnce(CNN2DFormat format) {
        OneDnn.enable();
        GraphBuilder g = new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.FLOAT)
                .convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(20, 18, 3, format))
                .addLayer("strided", new ConvolutionLayer.Builder(3, 3).dataFormat(format).stride(2, 2).padding(1, 1).nOut(16)
                        .activation(Activation.RELU).build(), "in")
                .addLayer("wide", new ConvolutionLayer.Builder(3, 3).dataFormat(format).padding(1, 1).nOut(32)
                        .activation(Activation.RELU).build(), "strided")
                .addLayer("narrow", new ConvolutionLayer.Builder(3, 3).dataFormat(format).padding(1, 1).nOut(16)
                        .hasBias(false).activation(Activation.IDENTITY).build(), "wide")
                .addLayer("pointwise", new ConvolutionLayer.Builder(1, 1).dataFormat(format).nOut(16)
                        .activation(Activation.IDENTITY).build(), "narrow")
                .setOutputs("pointwise");
        ComputationGraph reference = new ComputationGraph(g.build());
        reference.init();
        ComputationGraph frozen = new ComputationGraph(g.build());
        frozen.init();
        String[] layers = {"strided", "wide", "narrow", "pointwise"};
        for (String name : layers) {
            HelperField.set(org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class, reference.getLayer(name), null);
        }
        Nd4j.getRandom().setSeed(13);
        reference.params().assign(Nd4j.randn(DataType.FLOAT, reference.params().shape()).muli(0.2));
        frozen.setParams(reference.params());
        assertThat(OneDnnConvolution.install(frozen, true)).isEqualTo(layers.length);

        for (int batch : new int[] {4, 1, 3, 4, 1}) {
            long[] shape = format == CNN2DFormat.NCHW ? new long[] {batch, 3, 20, 18} : new long[] {batch, 20, 18, 3};
            INDArray x = Nd4j.randn(DataType.FLOAT, shape);
            Map<String, INDArray> expected = reference.feedForward(new INDArray[] {x}, false);
            Map<String, INDArray> actual = frozen.feedForward(new INDArray[] {x}, false);
            for (String name : layers) {
                double scale = expected.get(name).amaxNumber().doubleValue();
                assertThat(actual.get(name).sub(expected.get(name)).amaxNumber().doubleValue() / scale)
                        .as("%s's activations at batch %d", name, batch).isLessThan(1e-4);
            }
        }
        for (String name : layers) {
            OneDnnConvolution helper = (OneDnnConvolution) frozen.getLayer(name).getHelper();
            boolean winograd = name.equals("wide") || name.equals("narrow");
            assertThat(helper.forwardImplementations()).as(name).allMatch(impl -> impl.contains("wino") == winograd);
            assertThat(helper.convertedWeights()).as(name).isBetween(1, 2);
        }
    }

    /**
     * Deeplearning4j asks a convolution for its output again when the backward pass starts (for the
     * activation's derivative). A layer with the identity activation gets its forward pass's output
     * back instead of a second convolution; one with a ReLU, whose derivative reads the values, gets
     * them computed again.
     */
    @Test
    void theBackwardPassGetsAnIdentityLayersForwardOutputBackInsteadOfConvolvingAgain() {
        ComputationGraph net = network(CNN2DFormat.NHWC);
        OneDnnConvolution.install(net, false);
        LayerWorkspaceMgr forward = LayerWorkspaceMgr.noWorkspaces();
        LayerWorkspaceMgr backward = LayerWorkspaceMgr.builder().defaultNoWorkspace()
                .with(ArrayType.ACTIVATION_GRAD, "activation gradients", WorkspaceConfiguration.builder().build())
                .build();
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 5, 5, 32);
        INDArray pointwise = output(net, "pointwise", x, forward);
        assertThat(output(net, "pointwise", x, backward)).isSameAs(pointwise);

        INDArray y = Nd4j.randn(DataType.FLOAT, 2, 10, 9, 16);
        INDArray strided = output(net, "strided", y, forward);
        INDArray again = output(net, "strided", y, backward);
        assertThat(again).isNotSameAs(strided);
        assertThat(again.equalsWithEps(strided, 0)).isTrue();
    }

    private static INDArray output(ComputationGraph net, String name, INDArray input, LayerWorkspaceMgr workspaces) {
        org.deeplearning4j.nn.layers.convolution.ConvolutionLayer layer =
                (org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) net.getLayer(name);
        ConvolutionLayer conf = (ConvolutionLayer) layer.getConfig();
        INDArray bias = layer.hasBias() ? layer.getParam("b") : Nd4j.zeros(DataType.FLOAT, 1, conf.getNOut());
        return ((ConvolutionHelper) layer.getHelper()).preOutput(input, layer.getParam("W"), bias, conf.getKernelSize(), conf.getStride(),
                conf.getPadding(), AlgoMode.PREFER_FASTEST, null, ConvolutionMode.Truncate, conf.getDilation(),
                CNN2DFormat.NHWC, workspaces);
    }
}
