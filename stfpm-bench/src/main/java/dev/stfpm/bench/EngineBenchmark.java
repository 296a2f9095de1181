package dev.stfpm.bench;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.nn.FeaturePyramid;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.TrainingHistory;
import dev.stfpm.onnxruntime.OnnxRuntimeModel;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * The two inference engines on the same model and the same preprocessed batch at 256×256: teacher,
 * student (batch norm folded) and the anomaly map (Eq. 4). {@code dl4j} is {@link StfpmModel#anomalyMaps}
 * (channels-last input, as the model's networks take it); {@code onnxruntime} is
 * {@link OnnxRuntimeModel#anomalyMaps} on the model's ONNX export (channel-first input). Weights are
 * random: speed does not depend on their values. Divide by {@code batch} for per-image figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 15)
public class EngineBenchmark {

    @Param({"dl4j", "onnxruntime"})
    String engine;

    @Param({"1", "32"})
    int batch;

    private StfpmModel model;
    private OnnxRuntimeModel onnx;
    private float[] nchw;
    private org.nd4j.linalg.api.ndarray.INDArray nhwc;

    @Setup(Level.Trial)
    public void setUp() {
        StfpmConfig config = StfpmConfig.paper();
        model = new StfpmModel(config, FeaturePyramid.teacher(config), FeaturePyramid.student(config),
                new TrainingHistory("random", 0, 0, "random", "-", List.of(), 0, 0, "-", "benchmark", 0), null);
        int s = config.imageSize();
        nchw = new float[batch * 3 * s * s];
        Random random = new Random(7);
        for (int i = 0; i < nchw.length; i++) {
            nchw[i] = (float) random.nextGaussian();
        }
        nhwc = Nd4j.create(nchw, new long[] {batch, 3, s, s}, 'c').permute(0, 2, 3, 1).dup('c');
        if (engine.equals("onnxruntime")) {
            onnx = OnnxRuntimeModel.of(model);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (onnx != null) {
            onnx.close();
        }
        model.close();
    }

    /** @return the batch's maps from the chosen engine */
    @Benchmark
    public Object inference() {
        return onnx != null ? onnx.anomalyMaps(nchw) : model.anomalyMaps(nhwc);
    }
}
