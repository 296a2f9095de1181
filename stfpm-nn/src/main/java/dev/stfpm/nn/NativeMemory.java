package dev.stfpm.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Frees ND4J arrays' off-heap memory as soon as they are no longer needed. Left to the garbage
 * collector, a training run on a small heap lets gigabytes of finished batches pile up off-heap
 * before a collection returns them.
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
}
