package dev.stfpm.bench;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.cuda.CudaAnomalyMap;
import dev.stfpm.cuda.CudaUnavailableException;
import dev.stfpm.cuda.DeviceBatch;
import dev.stfpm.cuda.DeviceBuffer;
import dev.stfpm.nn.AnomalyMap;
import dev.stfpm.nn.ResNet18;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Times the fused anomaly map (Eq. 1 and Eq. 4, with the scores) on the paper's three levels at
 * 256 × 256, on the CPU ({@link AnomalyMap}) or a CUDA GPU ({@link CudaAnomalyMap}), and the memory
 * bandwidth its speed is bounded by. Features are random: speed does not depend on their values.
 *
 * <ul>
 *   <li>{@code anomalyMap}: what a caller pays, maps and scores from features in host memory; on
 *       CUDA that is {@link CudaAnomalyMap#compute}: allocating device memory, the copies to the
 *       device and back, and the kernels.</li>
 *   <li>{@code kernel}: CUDA only, the kernels on features already on the device (on the CPU there
 *       is nothing to copy, and it times the same as {@code anomalyMap}).</li>
 *   <li>{@code copy}: the memory bandwidth, copying {@link #COPY_BYTES} from one buffer to another
 *       (host memory on every core, or device memory).</li>
 * </ul>
 *
 * <p>{@link BandwidthBound} runs them and prints each time beside its bound, {@link #TRAFFIC_PER_IMAGE}
 * bytes divided by the bandwidth. Without a GPU the {@code cuda} backend fails in its setup with
 * the one-line reason; {@link BandwidthBound} leaves it out and says so.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class AnomalyMapBenchmark {

    /** The map's side: the paper's input size. */
    static final int SIZE = StfpmConfig.paper().imageSize();
    /** The paper's levels, layer1 to layer3 of ResNet-18: channels and side ({@code SIZE} / 4, / 8, / 16). */
    private static final int[][] LEVELS = {{ResNet18.width(1), SIZE / 4}, {ResNet18.width(2), SIZE / 8},
        {ResNet18.width(3), SIZE / 16}};
    /**
     * The bytes an image's map must move at the least: every teacher and student feature read once
     * (float32), the map written once (float32) and the score. The kernels' intermediate distances
     * (5,376 doubles per image) are left out: they stay in the caches.
     */
    static final long TRAFFIC_PER_IMAGE = trafficPerImage();
    /** The bytes {@code copy} reads, and then writes: 256 MiB, far beyond any cache. */
    static final long COPY_BYTES = 256L << 20;

    @Param({"cpu", "cuda"})
    String backend;

    @Param({"1", "32"})
    int batch;

    private INDArray[] teacher;
    private INDArray[] student;
    private AnomalyMap cpu;
    private float[] copySource;
    private float[] copyTarget;
    private CudaAnomalyMap gpu;
    private DeviceBatch onDevice;
    private DeviceBuffer deviceSource;
    private DeviceBuffer deviceTarget;

    @Setup(Level.Trial)
    public void setUp() throws CudaUnavailableException {
        Nd4j.getRandom().setSeed(7);
        teacher = new INDArray[LEVELS.length];
        student = new INDArray[LEVELS.length];
        for (int l = 0; l < LEVELS.length; l++) {
            teacher[l] = Nd4j.randn(DataType.FLOAT, batch, LEVELS[l][0], LEVELS[l][1], LEVELS[l][1]);
            student[l] = Nd4j.randn(DataType.FLOAT, batch, LEVELS[l][0], LEVELS[l][1], LEVELS[l][1]);
        }
        switch (backend) {
            case "cpu" -> {
                cpu = new AnomalyMap(LEVELS.length, SIZE);
                copySource = new float[(int) (COPY_BYTES / Float.BYTES)];
                copyTarget = new float[copySource.length];
            }
            case "cuda" -> {
                gpu = CudaAnomalyMap.open(LEVELS.length, SIZE);
                onDevice = gpu.upload(teacher, student);
                deviceSource = gpu.device().allocate(COPY_BYTES);
                deviceTarget = gpu.device().allocate(COPY_BYTES);
            }
            default -> throw new IllegalArgumentException("backend is cpu or cuda: " + backend);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (gpu != null) {
            onDevice.close();
            deviceSource.close();
            deviceTarget.close();
            gpu.close();
        }
    }

    /** @return the batch's scores, from features in host memory (Eq. 4, maximum) */
    @Benchmark
    public float[] anomalyMap() {
        return cpu != null ? AnomalyMap.scores(cpu.compute(teacher, student)) : gpu.compute(teacher, student).scores();
    }

    /** The kernels alone on features on the device (CUDA); on the CPU the same as {@link #anomalyMap}. */
    @Benchmark
    public void kernel() {
        if (cpu != null) {
            anomalyMap();
        } else {
            gpu.run(onDevice);
        }
    }

    /** Copies {@link #COPY_BYTES}: in host memory, one slice per core in parallel; on the device, one copy. */
    @Benchmark
    public void copy() {
        if (cpu != null) {
            int cores = Runtime.getRuntime().availableProcessors();
            int slice = (copySource.length + cores - 1) / cores;
            IntStream.range(0, cores).parallel().forEach(c -> {
                int from = c * slice;
                System.arraycopy(copySource, from, copyTarget, from, Math.max(0, Math.min(slice, copySource.length - from)));
            });
        } else {
            gpu.device().copy(deviceSource, deviceTarget);
        }
    }

    private static long trafficPerImage() {
        long features = 0;
        for (int[] level : LEVELS) {
            features += (long) level[0] * level[1] * level[1];
        }
        return 2 * features * Float.BYTES + (long) SIZE * SIZE * Float.BYTES + Float.BYTES;
    }
}
