package dev.stfpm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ScoreSweep}: one step per distinct score, tied samples counted together. */
class ScoreSweepTest {

    @Test
    void groupsTiesAcrossLabels() {
        // scores 0.9 (anomalous), 0.5 (anomalous), 0.5 (normal), -0.0 (normal), 0.0 (anomalous)
        ScoreSweep sweep = ScoreSweep.of(new double[] {0.5, 0.9, -0.0, 0.5, 0.0},
                new boolean[] {true, true, false, false, true});
        assertThat(sweep.positives()).isEqualTo(3);
        assertThat(sweep.negatives()).isEqualTo(2);
        List<String> steps = new ArrayList<>();
        while (sweep.next()) {
            steps.add(sweep.threshold() + ": TP " + sweep.tp() + ", FP " + sweep.fp());
        }
        assertThat(steps).containsExactly("0.9: TP 1, FP 0", "0.5: TP 2, FP 1", "0.0: TP 3, FP 2");
        assertThat(sweep.next()).isFalse();
    }

    @Test
    void rejectsNonFiniteScoresAndMismatchedLabels() {
        assertThatThrownBy(() -> ScoreSweep.of(new double[] {0, Double.NaN}, new boolean[] {true, false}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("score 1 is NaN");
        assertThatThrownBy(() -> ScoreSweep.of(new double[] {0}, new boolean[] {true, false}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 scores but 2 labels");
    }
}
