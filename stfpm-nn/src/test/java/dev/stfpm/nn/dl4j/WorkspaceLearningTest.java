package dev.stfpm.nn.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link WorkspaceLearning}: after one inference call, the workspace that holds the layers' activations has
 * its size, where Deeplearning4j's own setting leaves it still learning (every array fresh memory); the
 * outputs are the same. Workspaces belong to a thread, so each network runs on a thread of its own.
 */
class WorkspaceLearningTest {

    private static ComputationGraph network() {
        var g = new NeuralNetConfiguration.Builder().seed(29).dataType(DataType.FLOAT)
                .convolutionMode(ConvolutionMode.Truncate)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(16, 16, 8, CNN2DFormat.NCHW));
        String x = "in";
        for (int i = 0; i < 6; i++) {
            g.addLayer("conv" + i, new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(8)
                    .activation(Activation.RELU).build(), x);
            x = "conv" + i;
        }
        ComputationGraph net = new ComputationGraph(g.setOutputs(x).build());
        net.init();
        return net;
    }

    /** Runs one inference call on a new thread; returns the size of its first activation workspace afterwards. */
    private static long sizeAfterOneCall(ComputationGraph net, INDArray x, INDArray[] out) throws InterruptedException {
        AtomicLong size = new AtomicLong(-1);
        Thread t = new Thread(() -> {
            out[0] = net.output(false, x)[0];
            size.set(Nd4j.getWorkspaceManager().checkIfWorkspaceExists("WS_LAYER_ACT_0")
                    ? Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread("WS_LAYER_ACT_0").getCurrentSize() : -1);
        });
        t.start();
        t.join();
        return size.get();
    }

    @Test
    void activationWorkspacesHaveTheirSizeAfterOneCall() throws InterruptedException {
        ComputationGraph stock = network();
        ComputationGraph learning = network();
        learning.setParams(stock.params());
        WorkspaceLearning.firstLoop(learning);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 8, 16, 16);
        INDArray[] expected = new INDArray[1];
        INDArray[] actual = new INDArray[1];

        assertThat(sizeAfterOneCall(stock, x, expected)).as("Deeplearning4j's setting").isZero();
        assertThat(sizeAfterOneCall(learning, x, actual)).isPositive();
        assertThat(actual[0].equalsWithEps(expected[0], 0)).isTrue();
    }
}
