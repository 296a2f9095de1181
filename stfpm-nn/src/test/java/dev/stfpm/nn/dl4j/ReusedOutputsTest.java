package dev.stfpm.nn.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
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
 * {@link Dl4jWorkarounds#reusedOutputs} on a small two-level network (convolution, ReLU, convolution,
 * ReLU, both ReLUs outputs, the first feeding the second convolution): the same outputs as
 * {@link ComputationGraph#output}, in the same memory at every call of one batch size, new arrays for
 * another, and a clear error for a network whose
 * outputs feed other vertices.
 */
class ReusedOutputsTest {

    private static ComputationGraph network(boolean copies) {
        GraphBuilder g = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(12, 10, 3, CNN2DFormat.NCHW))
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(8)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("level1", Dl4jWorkarounds.relu(), "conv1")
                .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(16)
                        .activation(Activation.IDENTITY).build(), "level1")
                .addLayer("level2", Dl4jWorkarounds.relu(), "conv2");
        List<String> levels = List.of("level1", "level2");
        g.setOutputs((copies ? Dl4jWorkarounds.addOutputCopies(g, levels) : levels).toArray(String[]::new));
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    @Test
    void givesTheOutputsOfOutputInTheSameMemoryAtEveryCall() {
        ComputationGraph plain = network(false);
        ComputationGraph copies = network(true);
        assertThat(copies.params()).isEqualTo(plain.params());
        ReusedOutputs reused = Dl4jWorkarounds.reusedOutputs(copies);
        long[] addresses = null;
        for (int call = 0; call < 3; call++) {
            Nd4j.getRandom().setSeed(call);
            INDArray x = Nd4j.randn(DataType.FLOAT, 3, 3, 12, 10);
            INDArray[] expected = plain.output(false, x);
            INDArray[] actual = reused.output(x);
            assertThat(actual).hasSize(2);
            for (int level = 0; level < 2; level++) {
                assertThat(actual[level]).as("call %d, level %d", call, level).isEqualTo(expected[level]);
            }
            assertThat(actual[0].minNumber().doubleValue()).isZero();
            long[] now = {actual[0].data().address(), actual[1].data().address()};
            if (addresses != null) {
                assertThat(now).as("call %d", call).isEqualTo(addresses);
            }
            addresses = now;
        }
        INDArray smaller = Nd4j.randn(DataType.FLOAT, 2, 3, 12, 10);
        INDArray[] expected = plain.output(false, smaller);
        INDArray[] actual = reused.output(smaller);
        for (int level = 0; level < 2; level++) {
            assertThat(actual[level]).as("a smaller batch, level %d", level).isEqualTo(expected[level]);
        }
    }

    @Test
    void refusesOutputsThatFeedOtherVertices() {
        assertThatThrownBy(() -> Dl4jWorkarounds.reusedOutputs(network(false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("level1 feeds another vertex");
    }
}
