package dev.stfpm.bench;

import dev.stfpm.cuda.CudaAnomalyMap;
import dev.stfpm.cuda.CudaUnavailableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link AnomalyMapBenchmark} on the CPU and, where there is one, on the CUDA GPU, and prints
 * each anomaly-map time beside its memory-bandwidth bound: {@link AnomalyMapBenchmark#TRAFFIC_PER_IMAGE}
 * bytes per image divided by the bandwidth its {@code copy} benchmark measured in the same run (and,
 * on the GPU, by the device's stated peak). Without a GPU the CUDA half is skipped with the one-line
 * reason.
 *
 * <pre>java -cp stfpm-bench/target/stfpm-bench.jar dev.stfpm.bench.BandwidthBound [JMH options, e.g. -wi 2 -w 2s -i 3 -r 5s]</pre>
 */
public final class BandwidthBound {

    private BandwidthBound() {
    }

    /**
     * @param args JMH's command-line options (warm-up, measurement, batch sizes with {@code -p batch=...})
     * @throws RunnerException           if a benchmark fails
     * @throws CommandLineOptionException if the options are not JMH's
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions options = new CommandLineOptions(args);
        String device = null;
        OptionalDouble peak = OptionalDouble.empty();
        try (CudaAnomalyMap gpu = CudaAnomalyMap.open(1, 1)) {
            device = gpu.device().toString();
            peak = gpu.device().peakBandwidth();
        } catch (CudaUnavailableException e) {
            System.out.println("cuda: skipped. " + e.getMessage());
        }
        List<RunResult> results = new ArrayList<>(run(options, "cpu", "anomalyMap|copy"));
        if (device != null) {
            results.addAll(run(options, "cuda", "anomalyMap|kernel|copy"));
        }
        System.out.printf(Locale.ROOT, "%nBytes per image (features read once, map and score written): %,d%n",
                AnomalyMapBenchmark.TRAFFIC_PER_IMAGE);
        report(results, "cpu", "this machine", OptionalDouble.empty());
        if (device != null) {
            report(results, "cuda", device, peak);
        }
    }

    private static Collection<RunResult> run(CommandLineOptions options, String backend, String benchmarks)
            throws RunnerException {
        return new Runner(new OptionsBuilder().parent(options)
                .include(AnomalyMapBenchmark.class.getName() + "\\.(" + benchmarks + ")$")
                .param("backend", backend)
                .build()).run();
    }

    /** Prints one backend's table: the copy's bandwidth, then each anomaly-map time against the bound. */
    private static void report(List<RunResult> results, String backend, String machine, OptionalDouble peak) {
        double copyMs = results.stream().filter(r -> is(r, backend, "copy"))
                .mapToDouble(r -> r.getPrimaryResult().getScore()).average().orElseThrow();
        double bandwidth = 2 * AnomalyMapBenchmark.COPY_BYTES / (copyMs / 1e3);
        System.out.printf(Locale.ROOT, "%n%s, %s: copy bandwidth %.1f GB/s (%d MiB read and written in %.2f ms)%s%n",
                backend, machine, bandwidth / 1e9, AnomalyMapBenchmark.COPY_BYTES >> 20, copyMs,
                peak.isPresent() ? String.format(Locale.ROOT, ", stated peak %.1f GB/s", peak.getAsDouble() / 1e9) : "");
        System.out.println("| benchmark | batch | ms/op | ms per image | bound, ms per image | time / bound |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (RunResult r : results) {
            if (r.getParams().getParam("backend").equals(backend) && !is(r, backend, "copy")) {
                Result<?> score = r.getPrimaryResult();
                int batch = Integer.parseInt(r.getParams().getParam("batch"));
                double perImage = score.getScore() / batch;
                double bound = AnomalyMapBenchmark.TRAFFIC_PER_IMAGE / bandwidth * 1e3;
                String peakBound = peak.isPresent()
                        ? String.format(Locale.ROOT, " (%.4f at peak)", AnomalyMapBenchmark.TRAFFIC_PER_IMAGE / peak.getAsDouble() * 1e3)
                        : "";
                String error = Double.isNaN(score.getScoreError()) ? ""
                        : String.format(Locale.ROOT, " ± %.4f", score.getScoreError());
                System.out.printf(Locale.ROOT, "| `%s` | %d | %.4f%s | %.4f | %.4f%s | %.1f |%n",
                        method(r), batch, score.getScore(), error, perImage, bound, peakBound, perImage / bound);
            }
        }
    }

    private static boolean is(RunResult r, String backend, String method) {
        return r.getParams().getParam("backend").equals(backend) && method(r).equals(method);
    }

    private static String method(RunResult r) {
        String name = r.getParams().getBenchmark();
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
