package dev.stfpm.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import java.nio.charset.StandardCharsets;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * The first CUDA device, through the driver API (JCuda): its primary context, name, compute
 * capability and memory bandwidth. Opening it is where a machine without a driver or a GPU is
 * told so, in one line ({@link CudaUnavailableException}).
 *
 * <p>Every call that touches the device makes the context current on the calling thread first, so
 * a device may be used from any thread, one thread at a time.
 */
public final class CudaDevice implements AutoCloseable {

    /** A library that could not be loaded, as the JVM's dynamic linker says, e.g. {@code libcuda.so.1: cannot open ...}. */
    private static final Pattern MISSING_LIBRARY = Pattern.compile("[^/\\s]+\\.so[.\\d]*: cannot open shared object file[^\\n]*");
    /**
     * Why JCuda's driver library could not be loaded, or null if it was: found once per JVM, as a
     * class whose initialiser failed only says so the first time.
     */
    private static final String DRIVER_MISSING = loadDriver();

    private final CUdevice device;
    private final CUcontext context;
    private final String name;
    private final int driverVersion;

    private CudaDevice(CUdevice device, CUcontext context, String name, int driverVersion) {
        this.device = device;
        this.context = context;
        this.name = name;
        this.driverVersion = driverVersion;
    }

    /**
     * Opens device 0.
     *
     * @return the device, its primary context retained
     * @throws CudaUnavailableException if there is no CUDA driver or no device
     */
    public static CudaDevice open() throws CudaUnavailableException {
        if (DRIVER_MISSING != null) {
            throw new CudaUnavailableException(DRIVER_MISSING);
        }
        try {
            cuInit(0);
            int[] count = new int[1];
            cuDeviceGetCount(count);
            if (count[0] == 0) {
                throw new CudaUnavailableException("the CUDA driver finds no device");
            }
            int[] version = new int[1];
            cuDriverGetVersion(version);
            CUdevice device = new CUdevice();
            cuDeviceGet(device, 0);
            byte[] name = new byte[256];
            cuDeviceGetName(name, name.length, device);
            CUcontext context = new CUcontext();
            cuDevicePrimaryCtxRetain(context, device);
            return new CudaDevice(device, context, new String(name, StandardCharsets.US_ASCII).trim(), version[0]);
        } catch (CudaException e) {
            throw new CudaUnavailableException("the CUDA driver reports " + firstLine(e));
        }
    }

    /** @return the device's name, e.g. {@code NVIDIA H200} */
    public String name() {
        return name;
    }

    /** @return the compute capability, e.g. {@code 9.0} */
    public String computeCapability() {
        return attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) + "."
                + attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    }

    /** @return the driver's CUDA version, e.g. {@code 13.0} */
    public String driverVersion() {
        return driverVersion / 1000 + "." + driverVersion % 1000 / 10;
    }

    /**
     * The peak memory bandwidth the device states: twice (double data rate) its memory clock times
     * its bus width.
     *
     * @return bytes per second, or empty if the driver does not report the memory clock
     */
    public OptionalDouble peakBandwidth() {
        try {
            double clockHz = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE) * 1e3;
            double busBytes = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH) / 8.0;
            return clockHz > 0 && busBytes > 0 ? OptionalDouble.of(2 * clockHz * busBytes) : OptionalDouble.empty();
        } catch (CudaException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * Allocates device memory.
     *
     * @param bytes its size
     * @return the buffer, to close when done
     */
    public DeviceBuffer allocate(long bytes) {
        makeCurrent();
        return new DeviceBuffer(bytes);
    }

    /**
     * Copies one buffer into another on the device and waits for the copy: what a memory-bandwidth
     * measurement times.
     *
     * @param source the buffer to read
     * @param target a buffer at least as large
     */
    public void copy(DeviceBuffer source, DeviceBuffer target) {
        makeCurrent();
        source.copyTo(target);
        cuCtxSynchronize();
    }

    /** Waits until all work launched on the device has finished. */
    void synchronize() {
        makeCurrent();
        cuCtxSynchronize();
    }

    /** Makes the device's context current on the calling thread. */
    void makeCurrent() {
        cuCtxSetCurrent(context);
    }

    /** Releases the primary context. */
    @Override
    public void close() {
        cuDevicePrimaryCtxRelease(device);
    }

    @Override
    public String toString() {
        return name + " (compute capability " + computeCapability() + ", driver CUDA " + driverVersion() + ")";
    }

    private int attribute(int attribute) {
        int[] value = new int[1];
        cuDeviceGetAttribute(value, attribute, device);
        return value[0];
    }

    /** Loads JCuda's driver library, which links the CUDA driver, {@code libcuda}: null if it could, why not otherwise. */
    private static String loadDriver() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            return null;
        } catch (LinkageError e) {
            Matcher library = MISSING_LIBRARY.matcher(String.valueOf(e.getMessage()));
            return "no CUDA driver (" + (library.find() ? library.group() : firstLine(e)) + ")";
        }
    }

    /** The first line of a throwable's message, or its class if it has none. */
    static String firstLine(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.lines().findFirst().orElseThrow();
    }
}
