package dev.stfpm.bench;

import dev.stfpm.eval.PixelMetrics;
import dev.stfpm.eval.PixelSet;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * Times the exact pixel metrics (pixel ROC AUC and AU-PRO at FPR 0.3, with the F1 pixel threshold)
 * over {@code maps} synthetic {@code size × size} anomaly maps, 65 M pixels at the defaults. Half
 * the maps are defect-free; the others hold one to four elliptic ground-truth regions scoring
 * higher on average. Scores are continuous noise, so nearly every pixel is a distinct threshold:
 * the worst case for the exact curves.
 *
 * <p>{@code fullPath} is what an evaluation pays: labelling the regions, packing 8 bytes per pixel,
 * the in-place radix sort and the sweep. {@code sweepOnly} scores an already sorted set again, as
 * each per-defect subset does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class PixelMetricsBenchmark {

    @Param("1000")
    int maps;

    @Param("256")
    int size;

    private float[][] scores;
    private boolean[][] masks;
    private PixelSet sorted;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(11);
        scores = new float[maps][size * size];
        masks = new boolean[maps][];
        for (int i = 0; i < maps; i++) {
            boolean[] mask = i % 2 == 0 ? null : new boolean[size * size];
            if (mask != null) {
                for (int r = 1 + rnd.nextInt(4); r > 0; r--) {
                    double cx = rnd.nextDouble(size);
                    double cy = rnd.nextDouble(size);
                    double ax = 2 + rnd.nextDouble(size / 8.0);
                    double ay = 2 + rnd.nextDouble(size / 8.0);
                    for (int y = 0; y < size; y++) {
                        for (int x = 0; x < size; x++) {
                            double dx = (x - cx) / ax;
                            double dy = (y - cy) / ay;
                            mask[y * size + x] |= dx * dx + dy * dy <= 1;
                        }
                    }
                }
            }
            masks[i] = mask;
            float[] s = scores[i];
            for (int p = 0; p < s.length; p++) {
                s[p] = (float) (rnd.nextDouble() + (mask != null && mask[p] ? 0.6 * rnd.nextDouble() : 0));
            }
        }
        sorted = build();
        PixelMetrics.compute(sorted, null, 0.3);
    }

    /** @return AUROC + AU-PRO, from the maps to the metrics */
    @Benchmark
    public double fullPath() {
        PixelMetrics m = PixelMetrics.compute(build(), null, 0.3);
        return m.auroc() + m.auPro();
    }

    /** @return AUROC + AU-PRO of the already sorted set */
    @Benchmark
    public double sweepOnly() {
        PixelMetrics m = PixelMetrics.compute(sorted, null, 0.3);
        return m.auroc() + m.auPro();
    }

    private PixelSet build() {
        PixelSet set = new PixelSet((long) maps * size * size);
        for (int i = 0; i < maps; i++) {
            set.add("map " + i, scores[i], masks[i], size, size, masks[i] == null ? "good" : "defect");
        }
        return set;
    }
}
