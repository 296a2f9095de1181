package dev.stfpm.bench;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's floating-point peak as ND4J reaches it: a float32 matrix product {@code C = A·B} of
 * two {@code n × n} matrices ({@code 2n³} FLOPs) through {@link Nd4j#gemm}, with all of ND4J's
 * threads. {@link ComputeBound} divides the networks' FLOPs by this rate to get the least time a
 * training step or an inference could take on this machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class SgemmBenchmark {

    /** Side of the square matrices: large enough that the product is bound by arithmetic, not memory. */
    @Param({"2048"})
    int n;

    private INDArray a;
    private INDArray b;
    private INDArray c;

    @Setup
    public void setUp() {
        Nd4j.getRandom().setSeed(7);
        a = Nd4j.rand(DataType.FLOAT, n, n);
        b = Nd4j.rand(DataType.FLOAT, n, n);
        c = Nd4j.create(DataType.FLOAT, n, n);
    }

    /** @return {@code A·B}, written into the same array each time */
    @Benchmark
    public INDArray sgemm() {
        return Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    }

    /**
     * @param n side of the matrices
     * @return the FLOPs of one product: {@code 2n³} (a multiply and an add per term)
     */
    public static double flops(int n) {
        return 2.0 * n * n * n;
    }
}
