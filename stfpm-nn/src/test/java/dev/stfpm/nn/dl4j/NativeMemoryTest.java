package dev.stfpm.nn.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link Dl4jWorkarounds#close}: frees what {@link ComputationGraph#close()} frees, without a full
 * collection of the Java heap.
 */
class NativeMemoryTest {

    private static ComputationGraph trainedNetwork() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).updater(new Nesterovs(0.1, 0.9)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("dense", new DenseLayer.Builder().nOut(5).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).build(), "dense")
                .setOutputs("out").build());
        net.init();
        net.fit(new INDArray[] {Nd4j.rand(DataType.FLOAT, 6, 4)}, new INDArray[] {Nd4j.rand(DataType.FLOAT, 6, 2)});
        return net;
    }

    /** Collections so far by the old-generation collector (G1's, Parallel's or Serial's), which System.gc() runs. */
    private static long fullCollections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(gc -> !gc.getName().contains("Young") && !gc.getName().contains("Scavenge")
                        && !gc.getName().contains("Copy") && !gc.getName().contains("Concurrent"))
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    @Test
    void closeFreesParametersGradientsUpdaterAndWorkspacesWithoutACollection() {
        ComputationGraph net = trainedNetwork();
        INDArray params = net.params();
        INDArray gradients = net.getGradientsViewArray();
        INDArray updaterState = net.getUpdater(false).getStateViewArray();
        assertThat(Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()).isNotEmpty();

        long before = fullCollections();
        Dl4jWorkarounds.close(net);

        assertThat(fullCollections()).isEqualTo(before);
        assertThat(params.wasClosed()).isTrue();
        assertThat(gradients.wasClosed()).isTrue();
        assertThat(updaterState.wasClosed()).isTrue();
        assertThat(Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()).isEmpty();
    }

    @Test
    void deeplearning4jsOwnCloseCollects() {
        // the count sees ComputationGraph.close()'s collections, so the test above can fail
        ComputationGraph net = trainedNetwork();
        long before = fullCollections();
        net.close();
        assertThat(fullCollections()).isGreaterThan(before);
    }
}
