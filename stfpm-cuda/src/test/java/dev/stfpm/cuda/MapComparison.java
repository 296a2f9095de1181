package dev.stfpm.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stfpm.nn.AnomalyMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Compares maps and scores with {@link AnomalyMap}'s on the same features: the largest absolute
 * difference must be at most 1e-5 of the CPU map's range (its maximum minus its minimum).
 */
final class MapComparison {

    static final double TOLERANCE = 1e-5;

    private MapComparison() {
    }

    /**
     * @param features the features both computed from
     * @param maps     {@code [N, S, S]} maps to check
     * @param scores   their scores
     * @return the largest difference, relative to the range, for the log
     */
    static double assertSameAsCpu(TestPyramids features, float[] maps, float[] scores) {
        INDArray expected = new AnomalyMap(features.teacher().length, features.size())
                .compute(features.teacher(), features.student());
        float[] cpu = expected.data().asFloat();
        float[] cpuScores = AnomalyMap.scores(expected);
        double range = expected.maxNumber().doubleValue() - expected.minNumber().doubleValue();
        assertThat(range).as("%s: the CPU map's range", features.name()).isPositive();
        assertThat(maps).as("%s: map values", features.name()).hasSameSizeAs(cpu);
        double worst = 0;
        for (int p = 0; p < cpu.length; p++) {
            worst = Math.max(worst, Math.abs(maps[p] - cpu[p]));
        }
        assertThat(worst / range).as("%s: max |map - CPU map| / range", features.name()).isLessThanOrEqualTo(TOLERANCE);
        assertThat(scores).as("%s: scores", features.name()).hasSameSizeAs(cpuScores);
        for (int i = 0; i < scores.length; i++) {
            assertThat(Math.abs(scores[i] - cpuScores[i]) / range).as("%s: score %d", features.name(), i)
                    .isLessThanOrEqualTo(TOLERANCE);
        }
        return worst / range;
    }
}
