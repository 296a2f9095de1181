package dev.stfpm.nn.dl4j;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;

/**
 * Lets a network's per-layer workspaces take their size after their first cycle instead of after as
 * many cycles as the network has vertices.
 *
 * <p>Deeplearning4j 1.0.0-M2.1 gives the workspaces that hold a layer's activations and working memory
 * ({@code WS_LAYER_ACT_X_CONFIG}, {@code WS_LAYER_WORKING_MEM_CONFIG} of {@code ComputationGraph})
 * {@code LearningPolicy.OVER_TIME} with {@code cyclesBeforeInitialization} set to the number of vertices
 * (twice that for working memory). Until a workspace has been opened and closed that often, every array
 * in it is allocated on its own: fresh memory, each page a page fault. In inference a workspace is cycled
 * a few times per call, so the teacher's first four calls at batch 32 (more than half of caching the
 * teacher's features) took 2.5–2.9 s against about 1.0 s warm (docs/DESIGN.md, "Workspaces that learn in one
 * call").
 * With {@code LearningPolicy.FIRST_LOOP} a workspace takes the size of its first cycle, and grows
 * ({@code SpillPolicy.REALLOCATE}, as before) when a later cycle needs more; the sizes it ends with are
 * the same. The fields are final, without setters, hence the reflection.
 */
final class WorkspaceLearning {

    private WorkspaceLearning() {
    }

    /**
     * @param graph a network, before its first forward pass
     * @throws IllegalStateException if this Deeplearning4j version has no such fields
     */
    static void firstLoop(ComputationGraph graph) {
        set(graph, "WS_LAYER_ACT_X_CONFIG");
        set(graph, "WS_LAYER_WORKING_MEM_CONFIG");
    }

    private static void set(ComputationGraph graph, String name) {
        try {
            Field field = ComputationGraph.class.getDeclaredField(name);
            field.setAccessible(true);
            WorkspaceConfiguration stock = (WorkspaceConfiguration) field.get(graph);
            field.set(graph, WorkspaceConfiguration.builder()
                    .initialSize(0)
                    .overallocationLimit(stock.getOverallocationLimit())
                    .policyLearning(LearningPolicy.FIRST_LOOP)
                    .policyReset(ResetPolicy.BLOCK_LEFT)
                    .policySpill(SpillPolicy.REALLOCATE)
                    .policyAllocation(AllocationPolicy.OVERALLOCATE)
                    .build());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set " + name + " in this Deeplearning4j version", e);
        }
    }
}
