package dev.stfpm.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import dev.stfpm.nn.AnomalyMap;
import dev.stfpm.nn.dl4j.Dl4jWorkarounds;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The anomaly map of Eq. 4 on a CUDA GPU: the same maps and scores as {@link AnomalyMap}, computed by
 * the kernels of {@code src/main/cuda/anomaly_map.cu}. One kernel measures Eq. 1 at every feature
 * position of a level (each feature read once), a second upsamples and multiplies the levels at
 * every pixel and takes each image's maximum, the score.
 *
 * <p>The kernels come from the class path: a fatbin with sm_80 and sm_90 cubins, and a compute_75
 * PTX file that the driver JIT-compiles where no cubin fits. A build without {@code nvcc} has
 * neither, and {@link #open} says so. {@link #compute} is the whole round trip; {@link #upload},
 * {@link #run} and {@link #download} are its steps, for timing the kernels alone. Not thread-safe:
 * one thread at a time, any thread.
 */
public final class CudaAnomalyMap implements AutoCloseable {

    /** The most pyramid levels the kernels multiply, {@code STFPM_MAX_LEVELS} in {@code anomaly_map.cuh}. */
    static final int MAX_LEVELS = 4;

    private static final Logger LOG = LoggerFactory.getLogger(CudaAnomalyMap.class);
    private static final String KERNELS = "/dev/stfpm/cuda/anomaly_map";
    /** Threads per block: a multiple of the warp size, as the score's warp reduction needs. */
    private static final int BLOCK = 256;
    /** The most blocks of a grid's y dimension, which counts the images. */
    private static final int MAX_IMAGES = 65535;

    private final CudaDevice device;
    private final CUmodule module;
    private final CUfunction featureDistances = new CUfunction();
    private final CUfunction anomalyMaps = new CUfunction();
    private final int levels;
    private final int size;

    private CudaAnomalyMap(CudaDevice device, CUmodule module, int levels, int size) {
        this.device = device;
        this.module = module;
        this.levels = levels;
        this.size = size;
        cuModuleGetFunction(featureDistances, module, "feature_distances");
        cuModuleGetFunction(anomalyMaps, module, "anomaly_maps");
    }

    /**
     * Opens the first CUDA device and loads the kernels.
     *
     * @param levels    the number of pyramid levels, 1 to 4
     * @param imageSize the side of the square map, the network's input size
     * @return the anomaly map on the GPU, to close when done
     * @throws CudaUnavailableException if there is no driver or device, the build has no kernels, or
     *                                  the driver can run neither the cubins nor the PTX
     */
    public static CudaAnomalyMap open(int levels, int imageSize) throws CudaUnavailableException {
        if (levels < 1 || levels > MAX_LEVELS) {
            throw new IllegalArgumentException("the CUDA kernels take 1 to " + MAX_LEVELS + " pyramid levels: " + levels);
        }
        if (imageSize < 1) {
            throw new IllegalArgumentException("image size must be positive: " + imageSize);
        }
        byte[] fatbin = resource(".fatbin");
        byte[] ptx = resource(".ptx");
        if (fatbin == null || ptx == null) {
            throw new CudaUnavailableException("this build of stfpm-cuda has no kernels (it was built without nvcc"
                    + " on the PATH; build with -Pcuda)");
        }
        CudaDevice device = CudaDevice.open();
        try {
            device.makeCurrent();
            return new CudaAnomalyMap(device, load(device, fatbin, ptx), levels, imageSize);
        } catch (CudaUnavailableException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    /** The fatbin's cubin if one fits the device, else the PTX, JIT-compiled by the driver. */
    private static CUmodule load(CudaDevice device, byte[] fatbin, byte[] ptx) throws CudaUnavailableException {
        CUmodule module = new CUmodule();
        try {
            cuModuleLoadData(module, fatbin);
            LOG.info("CUDA: {}, kernels from the fatbin's cubin", device);
            return module;
        } catch (CudaException noCubin) {
            try {
                cuModuleLoadData(module, Arrays.copyOf(ptx, ptx.length + 1)); // PTX is text, NUL-terminated
                LOG.info("CUDA: {}, kernels JIT-compiled from compute_75 PTX (no cubin for it: {})", device,
                        noCubin.getMessage());
                return module;
            } catch (CudaException e) {
                throw new CudaUnavailableException("driver CUDA " + device.driverVersion() + " cannot load the kernels on "
                        + device.name() + " (" + e.getMessage() + "; CUDA 13 PTX needs driver 580 or later)");
            }
        }
    }

    /** @return the device the kernels run on */
    public CudaDevice device() {
        return device;
    }

    /**
     * Computes the maps and scores of a batch: copies the features to the device, runs the kernels
     * and copies the results back.
     *
     * @param teacher the teacher's features, one {@code [N, C, H, W]} array per level
     * @param student the student's features, same shapes
     * @return the {@code [N, S, S]} maps and the {@code N} scores
     */
    public Result compute(INDArray[] teacher, INDArray[] student) {
        try (DeviceBatch batch = upload(teacher, student)) {
            run(batch);
            return download(batch);
        }
    }

    /**
     * Allocates device memory for a batch and copies its features there.
     *
     * @param teacher the teacher's features, one {@code [N, C, H, W]} array per level
     * @param student the student's features, same shapes
     * @return the batch on the device, to close when done
     */
    public DeviceBatch upload(INDArray[] teacher, INDArray[] student) {
        int images = AnomalyMap.checkFeatures(levels, teacher, student);
        if (images > MAX_IMAGES) {
            throw new IllegalArgumentException("at most " + MAX_IMAGES + " images per batch: " + images);
        }
        int[] channels = new int[levels];
        int[] pyramid = new int[2 + 2 * MAX_LEVELS];
        pyramid[0] = levels;
        for (int l = 0; l < levels; l++) {
            channels[l] = (int) teacher[l].size(1);
            pyramid[2 + l] = (int) teacher[l].size(2);
            pyramid[2 + MAX_LEVELS + l] = (int) teacher[l].size(3);
            pyramid[1] += pyramid[2 + l] * pyramid[2 + MAX_LEVELS + l];
        }
        device.makeCurrent();
        DeviceBatch batch = new DeviceBatch(device, images, channels, pyramid, size);
        for (int l = 0; l < levels; l++) {
            batch.teacher[l].upload(Dl4jWorkarounds.toHeap(teacher[l]));
            batch.student[l].upload(Dl4jWorkarounds.toHeap(student[l]));
        }
        return batch;
    }

    /**
     * Runs the kernels on a batch already on the device and waits for them.
     *
     * @param batch the batch; its maps and scores are overwritten
     */
    public void run(DeviceBatch batch) {
        device.makeCurrent();
        int offset = 0;
        for (int l = 0; l < levels; l++) {
            int positions = batch.positions(l);
            launch(featureDistances, positions, batch.images, Pointer.to(batch.teacher[l].parameter(),
                    batch.student[l].parameter(), Pointer.to(new int[] {batch.channels[l]}), Pointer.to(new int[] {positions}),
                    batch.distances.parameter(), Pointer.to(new int[] {offset}), Pointer.to(new int[] {batch.pyramid[1]})));
            offset += positions;
        }
        batch.scores.zero(batch.images);
        launch(anomalyMaps, size * size, batch.images, Pointer.to(batch.distances.parameter(), Pointer.to(batch.pyramid),
                Pointer.to(new int[] {size}), batch.maps.parameter(), batch.scores.parameter()));
        device.synchronize();
    }

    /**
     * Copies a batch's maps and scores back from the device, after {@link #run}.
     *
     * @param batch the batch
     * @return its maps and scores
     */
    public Result download(DeviceBatch batch) {
        device.makeCurrent();
        float[] maps = new float[batch.images * size * size];
        int[] scoreBits = new int[batch.images];
        batch.maps.download(maps);
        batch.scores.download(scoreBits);
        float[] scores = new float[batch.images];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = Float.intBitsToFloat(scoreBits[i]);
        }
        return new Result(Nd4j.create(maps, new long[] {batch.images, size, size}, 'c'), scores);
    }

    /** Unloads the kernels and releases the device. */
    @Override
    public void close() {
        device.makeCurrent();
        cuModuleUnload(module);
        device.close();
    }

    /** Launches a kernel over {@code threads} × {@code images} threads (a grid of images rows). */
    private static void launch(CUfunction kernel, int threads, int images, Pointer parameters) {
        cuLaunchKernel(kernel, (threads + BLOCK - 1) / BLOCK, images, 1, BLOCK, 1, 1, 0, null, parameters, null);
    }

    /** @return a kernel file from the class path, or null if this build has none */
    private static byte[] resource(String suffix) {
        try (InputStream in = CudaAnomalyMap.class.getResourceAsStream(KERNELS + suffix)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A batch's anomaly maps and scores.
     *
     * @param maps   {@code [N, S, S]} maps, Eq. 4
     * @param scores each image's score, the maximum of its map
     */
    public record Result(INDArray maps, float[] scores) {
    }
}
