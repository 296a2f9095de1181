package dev.stfpm.nn.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link InPlaceRelu} against Deeplearning4j's {@link ActivationLayer} with a ReLU, in a small residual
 * block like ResNet-18's (convolution, batch norm, ReLU, convolution, sum with the block's input,
 * ReLU): the same activations and, after three training steps, the same parameters, bit for bit; and
 * in training it overwrites its input instead of copying it.
 */
class InPlaceReluTest {

    private static ComputationGraph block(boolean inPlace) {
        GraphBuilder g = new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.FLOAT).updater(new Sgd(0.1))
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(9, 8, 4, CNN2DFormat.NCHW))
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(4).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn1", new BatchNormalization.Builder().nOut(4).build(), "conv1")
                .addLayer("relu1", relu(inPlace), "bn1")
                .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(4).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "relu1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv2", "in")
                .addLayer("relu2", relu(inPlace), "add")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "relu2")
                .setOutputs("loss");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static Layer relu(boolean inPlace) {
        return inPlace ? new InPlaceRelu() : new ActivationLayer(Activation.RELU);
    }

    @Test
    void trainsExactlyLikeDeeplearning4jsRelu() {
        ComputationGraph stock = block(false);
        ComputationGraph inPlace = block(true);
        assertThat(inPlace.params()).isEqualTo(stock.params());
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.randn(DataType.FLOAT, 6, 4, 9, 8);
        INDArray y = Nd4j.rand(DataType.FLOAT, 6, 4, 9, 8);

        for (boolean training : new boolean[] {true, false}) {
            Map<String, INDArray> expected = stock.feedForward(new INDArray[] {x}, training);
            Map<String, INDArray> actual = inPlace.feedForward(new INDArray[] {x}, training);
            for (String vertex : new String[] {"relu1", "relu2"}) {
                assertThat(actual.get(vertex)).as(vertex).isEqualTo(expected.get(vertex));
                assertThat(actual.get(vertex).minNumber().doubleValue()).isZero();
            }
        }

        // inference through per-layer workspaces, where each ReLU writes its output beside its input
        assertThat(inPlace.output(false, x)[0]).isEqualTo(stock.output(false, x)[0]);

        MultiDataSet data = new MultiDataSet(new INDArray[] {x}, new INDArray[] {y});
        for (int step = 0; step < 3; step++) {
            stock.fit(data);
            inPlace.fit(data);
            assertThat(inPlace.score()).isEqualTo(stock.score());
        }
        assertThat(inPlace.params()).isEqualTo(stock.params());
        assertThat(inPlace.params().equalsWithEps(block(true).params(), 1e-3)).as("the parameters moved").isFalse();
    }

    @Test
    void overwritesItsInputInTraining() {
        ComputationGraph net = block(true);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 4, 9, 8);
        Map<String, INDArray> activations = net.feedForward(new INDArray[] {x}, true);
        // the batch norm's output is the ReLU's: negative values gone
        assertThat(activations.get("bn1").minNumber().doubleValue()).isZero();
        assertThat(activations.get("add").minNumber().doubleValue()).isZero();
        assertThat(activations.get("bn1")).isEqualTo(activations.get("relu1"));
    }
}
