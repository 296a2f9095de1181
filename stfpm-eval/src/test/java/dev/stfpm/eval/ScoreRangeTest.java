package dev.stfpm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link ScoreRange}: the range of finite maps, and the pixel named when a score is not finite. */
class ScoreRangeTest {

    @Test
    void scansAndUnites() {
        ScoreRange a = ScoreRange.scan("a", new float[] {0.5f, -1f, 2f, 0f}, 2);
        assertThat(a).isEqualTo(new ScoreRange(-1f, 2f));
        assertThat(ScoreRange.scan("empty", new float[0], 1)).isEqualTo(ScoreRange.EMPTY);
        assertThat(ScoreRange.EMPTY.union(a).union(new ScoreRange(3f, 4f))).isEqualTo(new ScoreRange(-1f, 4f));
    }

    @Test
    void namesTheNonFinitePixel() {
        assertThatThrownBy(() -> ScoreRange.scan("maps/x.npy", new float[] {0f, 1f, 2f, Float.NaN}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maps/x.npy: anomaly map holds NaN at row 1, column 1 (scores must be finite)");
    }
}
