package dev.stfpm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.AnomalyCalibration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The false-alarm thresholds against their definition, transcribed with a sort, on random maps with ties. */
class FalseAlarmCalibrationTest {

    /** The definition: the smallest float above the (⌊r·n⌋+1)-th largest value. */
    private static double bySorting(float[] values, double rate) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        int k = (int) Math.floor(rate * values.length);
        return Math.nextUp(sorted[values.length - 1 - k]);
    }

    private static long atOrAbove(float[] values, double threshold) {
        return java.util.stream.IntStream.range(0, values.length).filter(i -> values[i] >= threshold).count();
    }

    @ParameterizedTest
    @CsvSource({"0.01, 37, 5", "0.05, 200, 1", "0, 10, 3", "0.3, 9, 7", "0.5, 1, 2"})
    void thresholdsFollowTheDefinitionAndKeepTheRate(double rate, int images, long seed) {
        Random random = new Random(seed);
        int width = 16;
        FalseAlarmCalibration fitter = new FalseAlarmCalibration(rate, images, width * width);
        float[] scores = new float[images];
        float[] pixels = new float[images * width * width];
        for (int i = 0; i < images; i++) {
            float[] map = new float[width * width];
            for (int p = 0; p < map.length; p++) {
                map[p] = random.nextInt(50) / 7f; // coarse values: many ties
            }
            fitter.add("map " + i, map, width);
            scores[i] = (float) ScoreRange.scan("m", map, width).max();
            System.arraycopy(map, 0, pixels, i * map.length, map.length);
        }
        AnomalyCalibration c = fitter.fit("random maps");

        assertThat(c.imageThreshold()).isEqualTo(bySorting(scores, rate));
        assertThat(c.pixelThreshold()).isEqualTo(bySorting(pixels, rate));
        assertThat(atOrAbove(scores, c.imageThreshold())).isLessThanOrEqualTo((long) Math.floor(rate * images));
        assertThat(atOrAbove(pixels, c.pixelThreshold())).isLessThanOrEqualTo((long) Math.floor(rate * pixels.length));
        // the next float down lets the (k+1)-th largest through: the thresholds are the lowest that keep the rate
        assertThat(atOrAbove(pixels, Math.nextDown((float) c.pixelThreshold()))).isGreaterThan((long) Math.floor(rate * pixels.length));
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : pixels) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(c.min()).isEqualTo(min);
        assertThat(c.max()).isEqualTo(max);
        assertThat(c.fittedOn()).contains("false-alarm rate " + rate).contains(images + " good images");
    }

    @Test
    void refusesBadRatesAndMissingMaps() {
        assertThatThrownBy(() -> new FalseAlarmCalibration(1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FalseAlarmCalibration(-0.1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FalseAlarmCalibration(Double.NaN, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        FalseAlarmCalibration two = new FalseAlarmCalibration(0.1, 2, 4);
        two.add("a", new float[] {1, 2, 3, 4}, 2);
        assertThatThrownBy(() -> two.fit("x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("1 of 2");
        assertThatThrownBy(() -> two.add("b", new float[] {1, 2}, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("b:");
    }
}
