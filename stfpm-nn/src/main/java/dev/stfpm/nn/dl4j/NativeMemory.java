package dev.stfpm.nn.dl4j;

import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.MemoryWorkspaceManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Frees ND4J arrays' and whole networks' off-heap memory as soon as they are no longer needed, and
 * copies arrays to the Java heap. Left to the garbage collector, a training run on a small heap lets
 * gigabytes of finished batches pile up off-heap before a collection returns them.
 */
final class NativeMemory {

    private NativeMemory() {
    }

    /** Releases each array that owns its buffer; views and workspace arrays are left alone. */
    static void release(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && a.closeable()) {
                a.close();
            }
        }
    }

    /** Asks for the garbage collection that frees Deeplearning4j's off-heap temporaries. */
    static void freeTemporaries() {
        Nd4j.getMemoryManager().invokeGc();
    }

    /**
     * {@link ComputationGraph#close()} (Deeplearning4j 1.0.0-M2.1) less its two {@code System.gc()}
     * calls: its own, and that of {@code destroyAllWorkspacesForCurrentThread()}. It frees the buffers
     * behind the flattened parameters, gradients and updater state, which Deeplearning4j's own method
     * leaves to the garbage collector when it holds them as views (as for a network built around loaded
     * parameters).
     */
    static void close(ComputationGraph graph) {
        Updater updater = graph.getUpdater(false);
        releaseBuffers(graph.params(), graph.getGradientsViewArray(),
                updater == null ? null : updater.getStateViewArray());
        MemoryWorkspaceManager workspaces = Nd4j.getWorkspaceManager();
        for (MemoryWorkspace workspace : workspaces.getAllWorkspacesForCurrentThread()) {
            workspaces.destroyWorkspace(workspace);
        }
    }

    /**
     * Frees the whole buffer behind each array, which may be a view of all of it, unless a workspace or
     * ND4J itself owns the buffer.
     */
    private static void releaseBuffers(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a == null || a.isEmpty() || a.wasClosed()) {
                continue;
            }
            DataBuffer buffer = a.data().underlyingDataBuffer() != null ? a.data().underlyingDataBuffer() : a.data();
            if (buffer.length() == a.length() && buffer.closeable()) {
                buffer.close();
            }
        }
    }

    /**
     * Copies an array's values, row-major, into a Java array: straight from its buffer when the array
     * is that whole buffer in row-major order, through a temporary row-major copy otherwise.
     */
    static float[] toHeap(INDArray a) {
        if (a.dataType() == DataType.FLOAT && a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a)
                && a.offset() == 0 && a.data().length() == a.length()) {
            return a.data().asFloat();
        }
        INDArray rowMajor = a.dup('c');
        float[] values = rowMajor.data().asFloat();
        release(rowMajor);
        return values;
    }
}
