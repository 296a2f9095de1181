package dev.stfpm.nn.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link BatchNormHelper} against Deeplearning4j's own oneDNN helper, which it replaces: the same
 * activations in training and inference mode, the same loss and the same gradients (of the
 * convolution before it, so also of its input, of γ and β, and of the running statistics).
 */
class BatchNormHelperTest {

    private static ComputationGraph network(CNN2DFormat format) {
        OneDnn.enable();
        GraphBuilder g = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).updater(new NoOp())
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(6, 5, 3, format))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).dataFormat(format).padding(1, 1).nOut(4)
                        .hasBias(false).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().dataFormat(format).eps(1e-5).nOut(4).build(), "conv")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).format(format)
                        .activation(Activation.TANH).build(), "bn")
                .setOutputs("loss");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    @ParameterizedTest
    @EnumSource(CNN2DFormat.class)
    void matchesTheBuiltInHelper(CNN2DFormat format) {
        ComputationGraph reference = network(format);
        ComputationGraph fast = network(format);
        assertThat(BatchNormHelper.install(fast)).isEqualTo(1);
        assertThat(fast.getLayer("bn").getHelper()).isInstanceOf(BatchNormHelper.class);
        assertThat(reference.getLayer("bn").getHelper()).isNotInstanceOf(BatchNormHelper.class);

        // non-trivial γ, β and running statistics, identical in both networks
        Layer bn = reference.getLayer("bn");
        bn.getParam("gamma").assign(Nd4j.create(new float[] {0.5f, 1.5f, -1f, 2f}).reshape(bn.getParam("gamma").shape()));
        bn.getParam("beta").assign(Nd4j.create(new float[] {0.1f, -0.2f, 0.3f, 0f}).reshape(bn.getParam("beta").shape()));
        bn.getParam("mean").assign(Nd4j.create(new float[] {0.2f, -0.1f, 0f, 0.4f}).reshape(bn.getParam("mean").shape()));
        fast.setParams(reference.params());

        long[] shape = format == CNN2DFormat.NCHW ? new long[] {3, 3, 6, 5} : new long[] {3, 6, 5, 3};
        long[] outShape = format == CNN2DFormat.NCHW ? new long[] {3, 4, 6, 5} : new long[] {3, 6, 5, 4};
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, shape).muli(2).addi(0.3);
        INDArray y = Nd4j.rand(DataType.FLOAT, outShape).subi(0.5);

        assertClose(fast.feedForward(new INDArray[] {x}, true).get("bn"), reference.feedForward(new INDArray[] {x}, true).get("bn"));
        assertClose(fast.feedForward(new INDArray[] {x}, false).get("bn"), reference.feedForward(new INDArray[] {x}, false).get("bn"));

        reference.setInputs(x);
        reference.setLabels(y);
        reference.computeGradientAndScore();
        fast.setInputs(x);
        fast.setLabels(y);
        fast.computeGradientAndScore();
        assertThat(fast.score()).isCloseTo(reference.score(), org.assertj.core.api.Assertions.within(1e-5 * Math.abs(reference.score())));
        Map<String, INDArray> expected = reference.gradient().gradientForVariable();
        Map<String, INDArray> actual = fast.gradient().gradientForVariable();
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String name : expected.keySet()) {
            assertThat(expected.get(name).norm2Number().doubleValue()).as(name).isPositive();
            assertClose(actual.get(name), expected.get(name));
        }
    }

    private static void assertClose(INDArray actual, INDArray expected) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        assertThat(actual.shape()).isEqualTo(expected.shape());
        assertThat(actual.sub(expected).amaxNumber().doubleValue() / scale).isLessThan(1e-4);
    }
}
