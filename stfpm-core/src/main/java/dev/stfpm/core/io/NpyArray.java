package dev.stfpm.core.io;

import java.util.Arrays;

/**
 * A dense array read from or written to a NumPy {@code .npy} file, held as {@code float} values in
 * C (row-major) order.
 *
 * @param shape the dimensions, outermost first
 * @param data  the values, {@code product(shape)} of them
 */
public record NpyArray(int[] shape, float[] data) {

    /** Checks that the data length matches the shape. */
    public NpyArray {
        shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values, data has " + data.length);
        }
    }

    /** @return a copy of the dimensions */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /** @return the size of dimension {@code i} */
    public int dim(int i) {
        return shape[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray other && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NpyArray" + Arrays.toString(shape);
    }
}
