package dev.stfpm.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.stfpm.core.AnomalyCalibration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every overlay card's colour bar covers its own map (issue: a score of 0.5537 above a bar ending at 0.5485). */
class ColourScaleTest {

    private static final AnomalyCalibration CALIBRATION = new AnomalyCalibration(0.4, 0.3, 0.1, 0.5, "test");

    @Test
    void withinTheFittingRangeItIsAnomalibsNormalisation() {
        float[] map = {0.15f, 0.3f, 0.42f};
        OverlayRenderer.ColourScale scale = OverlayRenderer.ColourScale.covering(map, Optional.of(CALIBRATION), 0, 1);
        assertThat(scale.mid()).isEqualTo(0.3);
        assertThat(scale.lo()).isCloseTo(0.1, offset(1e-12));
        assertThat(scale.hi()).isCloseTo(0.5, offset(1e-12));
        for (float v : map) {
            assertThat(scale.normalised(v)).isCloseTo(CALIBRATION.normalisePixel(v), offset(1e-6));
        }
    }

    @Test
    void aMapBeyondTheFittingRangeWidensItsOwnScaleAroundTheThreshold() {
        float[] map = {0.2f, 0.3f, 0.5537f};
        OverlayRenderer.ColourScale scale = OverlayRenderer.ColourScale.covering(map, Optional.of(CALIBRATION), 0, 1);
        assertThat(scale.hi()).isGreaterThanOrEqualTo(0.5537f);
        assertThat(scale.mid()).isEqualTo(0.3);
        assertThat(scale.hi() - scale.mid()).isCloseTo(scale.mid() - scale.lo(), offset(1e-12));
        assertThat(scale.normalised(0.5537f)).isEqualTo(1.0);
        assertThat(scale.normalised(0.3f)).isCloseTo(0.5, offset(1e-6));

        float[] low = {-0.4f, 0.3f};
        assertThat(OverlayRenderer.ColourScale.covering(low, Optional.of(CALIBRATION), 0, 1).lo()).isLessThanOrEqualTo(-0.4f);
    }

    @Test
    void withoutCalibrationTheRangeOfAllMapsCoversThisOne() {
        float[] map = {0.2f, 1.7f};
        OverlayRenderer.ColourScale scale = OverlayRenderer.ColourScale.covering(map, Optional.empty(), 0, 1);
        assertThat(scale.lo()).isEqualTo(0);
        assertThat(scale.hi()).isCloseTo(1.7, offset(1e-6));
        assertThat(scale.normalised(1.7f)).isEqualTo(1.0);
        assertThat(OverlayRenderer.ColourScale.covering(new float[] {0.5f}, Optional.empty(), 0.5, 0.5).normalised(0.5f))
                .isEqualTo(0.5);
    }
}
