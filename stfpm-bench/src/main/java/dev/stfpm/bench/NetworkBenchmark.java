package dev.stfpm.bench;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.nn.FeaturePyramid;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.TrainingHistory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Times the networks at 256×256 with the paper's settings: the inference path (teacher and student
 * forward plus the anomaly map, Eq. 4) and one student training step (forward, loss, backward, SGD
 * update) against cached teacher features, plus the teacher forward that caching saves. Weights are
 * random: speed does not depend on their values. Each benchmark calls the library's own code:
 * {@code inference} is {@link StfpmModel#anomalyMaps}, {@code trainingStep} the student graph's
 * {@code fit} that {@code StfpmTrainer} runs per mini-batch; {@code studentForward} (unfolded) and
 * {@code teacherForward} time parts of {@code inference} through the public {@link FeaturePyramid}
 * methods; the anomaly map alone is {@link AnomalyMapBenchmark}'s. Divide by {@code batch} for
 * per-image figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 20)
public class NetworkBenchmark {

    @Param({"1", "32"})
    int batch;

    private FeaturePyramid teacher;
    private FeaturePyramid student;
    private StfpmModel model;
    private INDArray images;
    private MultiDataSet trainingBatch;
    private INDArray[] teacherFeatures;

    @Setup(Level.Trial)
    public void setUp() {
        StfpmConfig config = StfpmConfig.paper();
        teacher = FeaturePyramid.teacher(config);
        student = FeaturePyramid.student(config);
        model = new StfpmModel(config, teacher, student,
                new TrainingHistory("random", 0, 0, "random", "-", List.of(), 0, 0, "-", "benchmark", 0), null);
        Nd4j.getRandom().setSeed(7);
        images = Nd4j.randn(DataType.FLOAT, batch, config.imageSize(), config.imageSize(), 3);
        teacherFeatures = teacher.features(images);
        trainingBatch = new MultiDataSet(new INDArray[] {images}, teacherFeatures);
    }

    /** @return maps of a batch as {@link StfpmModel} computes them: teacher, folded student, Eq. 4 */
    @Benchmark
    public INDArray inference() {
        return model.anomalyMaps(images);
    }

    /** @return the loss after one SGD step of the student on cached teacher features */
    @Benchmark
    public double trainingStep() {
        student.graph().fit(trainingBatch);
        return student.graph().score();
    }

    /** @return the student's features of a batch (inference mode) */
    @Benchmark
    public INDArray[] studentForward() {
        return student.features(images);
    }

    /** @return the teacher's features of a batch (what the training cache saves per step) */
    @Benchmark
    public INDArray[] teacherForward() {
        return teacher.features(images);
    }
}
