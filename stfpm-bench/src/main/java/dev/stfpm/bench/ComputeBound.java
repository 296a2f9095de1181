package dev.stfpm.bench;

import dev.stfpm.core.StfpmConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link SgemmBenchmark} and {@link NetworkBenchmark}'s training step and inference in one JMH
 * run, and prints each network time beside its arithmetic bound: the convolutions' FLOPs
 * ({@link NetworkFlops}) divided by the SGEMM rate measured in the same run. The ratio says how far
 * a time is from what this machine's arithmetic allows (a ratio of 1 would be every convolution at
 * the speed of a large matrix product).
 *
 * <pre>java -cp stfpm-bench/target/stfpm-bench.jar dev.stfpm.bench.ComputeBound [JMH options, e.g. -p batch=1,32 -wi 2 -w 10s -i 3 -r 15s]</pre>
 */
public final class ComputeBound {

    /** FLOPs per image of each timed benchmark, as multiples of the forward and training passes. */
    private static final Map<String, double[]> PASSES = Map.of(
            // {forward passes, training passes} per image
            "trainingStep", new double[] {0, 1},
            "inference", new double[] {2, 0}); // teacher and student forward (the anomaly map is not counted)

    private ComputeBound() {
    }

    /**
     * @param args JMH's command-line options (warm-up, measurement, batch sizes with {@code -p batch=...})
     * @throws RunnerException           if a benchmark fails
     * @throws CommandLineOptionException if the options are not JMH's
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions options = new CommandLineOptions(args);
        List<RunResult> results = new ArrayList<>(new Runner(new OptionsBuilder().parent(options)
                .include(SgemmBenchmark.class.getName() + "\\.sgemm$")
                .include(NetworkBenchmark.class.getName() + "\\.(trainingStep|inference)$")
                .build()).run());
        RunResult sgemm = results.stream().filter(r -> method(r).equals("sgemm")).findFirst().orElseThrow();
        int n = Integer.parseInt(sgemm.getParams().getParam("n"));
        double rate = SgemmBenchmark.flops(n) / (sgemm.getPrimaryResult().getScore() / 1e3);
        NetworkFlops flops = NetworkFlops.of(StfpmConfig.paper());
        System.out.printf(Locale.ROOT, "%nSGEMM %d×%d: %.2f ms = %.1f GFLOP/s%n", n, n, sgemm.getPrimaryResult().getScore(),
                rate / 1e9);
        System.out.printf(Locale.ROOT, "Convolutions per image: forward %.2f GFLOP, training pass %.2f GFLOP%n",
                flops.forward() / 1e9, flops.training() / 1e9);
        System.out.println("| benchmark | batch | ms/op | ms per image | GFLOP per image | bound, ms per image | time / bound |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (RunResult r : results) {
            double[] passes = PASSES.get(method(r));
            if (passes == null) {
                continue;
            }
            Result<?> score = r.getPrimaryResult();
            int batch = Integer.parseInt(r.getParams().getParam("batch"));
            double perImage = score.getScore() / batch;
            double work = passes[0] * flops.forward() + passes[1] * flops.training();
            double bound = work / rate * 1e3;
            String error = Double.isNaN(score.getScoreError()) ? ""
                    : String.format(Locale.ROOT, " ± %.1f", score.getScoreError());
            System.out.printf(Locale.ROOT, "| `%s` | %d | %.1f%s | %.1f | %.2f | %.1f | %.2f |%n",
                    method(r), batch, score.getScore(), error, perImage, work / 1e9, bound, perImage / bound);
        }
    }

    private static String method(RunResult r) {
        String name = r.getParams().getBenchmark();
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
