package dev.stfpm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AnomalyCalibrationTest {

    private final AnomalyCalibration c = new AnomalyCalibration(3, 2, 0, 10, "test set");

    @Test
    void thresholdMapsToOneHalf() {
        assertThat(c.normaliseImageScore(3)).isEqualTo(0.5);
        assertThat(c.normalisePixel(2f)).isEqualTo(0.5f);
    }

    @Test
    void normalisesLinearlyAndClips() {
        assertThat(c.normaliseImageScore(5)).isCloseTo(0.7, within(1e-12));
        assertThat(c.normalisePixel(0f)).isCloseTo(0.3f, within(1e-6f));
        assertThat(c.normaliseImageScore(100)).isEqualTo(1.0);
        assertThat(c.normaliseImageScore(-100)).isEqualTo(0.0);
    }

    @Test
    void decisionsUseRawThresholdsInclusively() {
        assertThat(c.isAnomalous(3)).isTrue();
        assertThat(c.isAnomalous(2.999)).isFalse();
        assertThat(c.isAnomalousPixel(2f)).isTrue();
        assertThat(c.predictedMask(new float[] {1f, 2f, 5f})).containsExactly(false, true, true);
    }

    @Test
    void emptyRangeGivesAStep() {
        AnomalyCalibration flat = new AnomalyCalibration(1, 1, 1, 1, "");
        assertThat(flat.normaliseImageScore(1)).isEqualTo(1.0);
        assertThat(flat.normaliseImageScore(0.5)).isEqualTo(0.0);
    }

    @Test
    void rejectsNonFiniteOrInvertedRange() {
        assertThatThrownBy(() -> new AnomalyCalibration(Double.NaN, 1, 0, 1, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnomalyCalibration(1, 1, 2, 1, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds");
    }
}
