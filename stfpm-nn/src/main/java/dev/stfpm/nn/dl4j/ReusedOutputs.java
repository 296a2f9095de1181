package dev.stfpm.nn.dl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network's inference outputs in arrays it keeps and overwrites at every call, instead of the fresh memory
 * Deeplearning4j gives each output of {@link ComputationGraph#output}. Fresh memory is not free: glibc
 * returns much of what a call freed to the system, and on the machines this project is measured on each 4 KB
 * page costs about 20 µs when it is touched again (docs/DESIGN.md, "Fresh memory"); in a loop over batches of
 * 4 images the teacher alone took 400–610 such page faults per call.
 *
 * <p>The network writes its outputs into a workspace of the calling thread that is reset at every call, and
 * they are copied from there into the kept arrays, which stay valid after the workspace closes. Deeplearning4j
 * 1.0.0-M2.1 places outputs in a caller's workspace ({@link ComputationGraph#output(boolean, MemoryWorkspace,
 * INDArray...)}) only if no output vertex feeds another vertex; otherwise it fails ("workspace … for array type
 * INPUT is not open"), as it would for a feature pyramid's {@code layer1}, which feeds {@code layer2}.
 * {@link #addOutputCopies} gives a network outputs that feed nothing. Instances are for one thread at a time.
 */
public final class ReusedOutputs {

    private static final AtomicLong WORKSPACES = new AtomicLong();
    /** Sized by the first call, grown when a later call needs more; reset to its start at every call. */
    private static final WorkspaceConfiguration RESET_AT_EVERY_CALL = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.05)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private final ComputationGraph graph;
    private final String workspace = "stfpm-outputs-" + WORKSPACES.incrementAndGet();
    private INDArray[] kept;

    ReusedOutputs(ComputationGraph graph) {
        for (String name : graph.getConfiguration().getNetworkOutputs()) {
            VertexIndices[] readers = graph.getVertex(name).getOutputVertices();
            if (readers != null && readers.length > 0) {
                throw new IllegalArgumentException("output " + name + " feeds another vertex: give the network "
                        + "output copies (Dl4jWorkarounds.addOutputCopies)");
            }
        }
        this.graph = graph;
    }

    /** Adds a copy of each vertex that feeds nothing else (an element-wise sum of one input); returns their names. */
    static List<String> addOutputCopies(GraphBuilder g, List<String> vertices) {
        List<String> copies = new ArrayList<>();
        for (String v : vertices) {
            String copy = v + ".output";
            g.addVertex(copy, new ElementWiseVertex(ElementWiseVertex.Op.Add), v);
            copies.add(copy);
        }
        return copies;
    }

    /**
     * Runs the network in inference mode.
     *
     * @param input the network's input
     * @return its outputs, in arrays that the next call overwrites (or replaces, when the shapes change); not to
     *         be released
     */
    public INDArray[] output(INDArray input) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(RESET_AT_EVERY_CALL, workspace)) {
            INDArray[] out = graph.output(false, ws, input);
            if (kept == null || kept.length != out.length) {
                kept = new INDArray[out.length];
            }
            for (int i = 0; i < out.length; i++) {
                if (kept[i] == null || !Arrays.equals(kept[i].shape(), out[i].shape())) {
                    NativeMemory.release(kept[i]);
                    try (MemoryWorkspace none = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                        kept[i] = Nd4j.createUninitialized(out[i].dataType(), out[i].shape(), 'c');
                    }
                }
                kept[i].assign(out[i]);
            }
        }
        return kept.clone();
    }
}
