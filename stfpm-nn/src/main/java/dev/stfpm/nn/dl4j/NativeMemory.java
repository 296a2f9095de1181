package dev.stfpm.nn.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * Frees ND4J arrays' off-heap memory as soon as they are no longer needed, and copies arrays to the
 * Java heap. Left to the garbage collector, a training run on a small heap lets gigabytes of
 * finished batches pile up off-heap before a collection returns them.
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
