package dev.stfpm.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;

import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;

/**
 * A block of device memory ({@link CudaDevice#allocate}), freed by {@link #close}. Its methods
 * assume the device's context is current, as {@link CudaDevice} and {@link CudaAnomalyMap} make it.
 */
public final class DeviceBuffer implements AutoCloseable {

    private final CUdeviceptr pointer = new CUdeviceptr();
    private final long bytes;

    DeviceBuffer(long bytes) {
        this.bytes = bytes;
        cuMemAlloc(pointer, bytes);
    }

    /** @return its size in bytes */
    public long bytes() {
        return bytes;
    }

    /** Copies this whole buffer into another on the same device, asynchronously. */
    void copyTo(DeviceBuffer target) {
        if (target.bytes < bytes) {
            throw new IllegalArgumentException("target holds " + target.bytes + " bytes, fewer than " + bytes);
        }
        cuMemcpyDtoD(target.pointer, pointer, bytes);
    }

    /** Copies host values into the start of the buffer. */
    void upload(float[] values) {
        cuMemcpyHtoD(pointer, Pointer.to(values), (long) values.length * Sizeof.FLOAT);
    }

    /** Copies the start of the buffer into host values. */
    void download(float[] values) {
        cuMemcpyDtoH(Pointer.to(values), pointer, (long) values.length * Sizeof.FLOAT);
    }

    /** Copies the start of the buffer into host values. */
    void download(int[] values) {
        cuMemcpyDtoH(Pointer.to(values), pointer, (long) values.length * Sizeof.INT);
    }

    /** Sets its first {@code count} 32-bit words to zero. */
    void zero(int count) {
        cuMemsetD32(pointer, 0, count);
    }

    /** @return the device address, as a kernel parameter */
    Pointer parameter() {
        return Pointer.to(pointer);
    }

    @Override
    public void close() {
        cuMemFree(pointer);
    }
}
