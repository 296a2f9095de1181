package dev.stfpm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-made cases whose metrics can be worked out on paper. */
class MetricsEdgeCasesTest {

    private static final double EPS = 1e-12;

    @Test
    void allScoresEqualGiveChanceAurocAndTheDiagonalProCurve() {
        PixelSet set = new PixelSet(0);
        set.add("a", new float[] {0.5f, 0.5f, 0.5f, 0.5f}, null, 2, 2, "good");
        set.add("b", new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new boolean[] {true, false, false, true}, 2, 2, "d");
        PixelMetrics m = PixelMetrics.compute(set, null, 0.3, true);
        assertThat(m.auroc()).isCloseTo(0.5, within(EPS));
        // one curve point (1, 1) between the (0,0) and (1,1) padding: PRO = FPR, so AU-PRO(L) = L / 2
        assertThat(m.auPro()).isCloseTo(0.15, within(EPS));
        assertThat(m.pro().orElseThrow().fpr()).containsExactly(0, 1, 1);
        assertThat(RocCurve.of(new double[] {2, 2, 2}, new boolean[] {true, false, true}).auc()).isEqualTo(0.5);
    }

    @Test
    void singleRegionByHand() {
        PixelSet set = new PixelSet(5);
        set.add("normal", new float[] {0.1f, 0.3f}, null, 2, 1, "good");
        set.add("defect", new float[] {0.4f, 0.2f, 0.5f}, new boolean[] {true, true, false}, 3, 1, "d");
        // normal scores 0.1 0.3 0.5, region {0.4, 0.2}: points (1/3,0) (1/3,.5) (2/3,.5) (2/3,1) (1,1)
        PixelMetrics full = PixelMetrics.compute(set, null, 1.0, true);
        assertThat(full.regions()).isEqualTo(1);
        assertThat(full.auroc()).isCloseTo(3.0 / 6, within(EPS));
        assertThat(full.auPro()).isCloseTo(0.5, within(EPS));
        assertThat(PixelMetrics.compute(set, null, 0.5).auPro()).isCloseTo((0.5 - 1.0 / 3) * 0.5 / 0.5, within(EPS));
        assertThat(PixelMetrics.compute(set, null, 0.3).auPro()).isCloseTo(0, within(EPS));
        assertThat(full.pro().orElseThrow().pro()).containsExactly(0, 0, 0.5, 0.5, 1, 1, 1);
        AdaptiveThreshold t = full.threshold().orElseThrow();
        assertThat(t.value()).isCloseTo(0.2, within(1e-7));
        assertThat(t.f1()).isCloseTo(4.0 / 6, within(EPS));
    }

    @Test
    void regionsTouchingOnlyAtACornerAreOneRegion() {
        boolean[] mask = {
            true, false, false,
            false, true, true,
            false, false, false};
        ConnectedRegions r = ConnectedRegions.label(mask, 3, 3);
        assertThat(r.count()).isEqualTo(1);
        assertThat(r.size(1)).isEqualTo(3);
        assertThat(ConnectedRegions.label(new boolean[] {true, false, true, false, false, false}, 3, 2).count()).isEqualTo(2);
        PixelSet set = new PixelSet(9);
        set.add("m", new float[] {9, 1, 1, 1, 2, 2, 1, 1, 1}, mask, 3, 3, "d");
        // one region of 3 pixels: after the corner pixel PRO is 1/3 (two 4-connected regions would give 1/2)
        assertThat(PixelMetrics.compute(set, null, 1.0, true).pro().orElseThrow().pro()[1]).isCloseTo(1.0 / 3, within(EPS));
    }

    @Test
    void labelsRegionsInRasterOrderLikeScipy() {
        boolean[] mask = {
            false, false, true,
            true, false, true,
            true, false, false};
        ConnectedRegions r = ConnectedRegions.label(mask, 3, 3);
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.labelAt(2, 0)).isEqualTo(1);
        assertThat(r.labelAt(0, 1)).isEqualTo(2);
        assertThat(r.labelAt(1, 1)).isZero();
    }

    @Test
    void imageF1ThresholdByHand() {
        double[] s = {0.1, 0.4, 0.35, 0.8};
        boolean[] l = {false, false, true, true};
        AdaptiveThreshold t = AdaptiveThreshold.f1Optimal(s, l).orElseThrow();
        assertThat(t.value()).isEqualTo(0.35);
        assertThat(t.f1()).isCloseTo(0.8, within(EPS));
        assertThat(t.precision()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(t.recall()).isEqualTo(1.0);
        assertThat(RocCurve.of(s, l).auc()).isCloseTo(3.0 / 4, within(EPS));
    }

    @Test
    void equalF1KeepsTheLowestThreshold() {
        // t = 0.9: TP 1, FP 0 -> F1 2/3; t = 0.5: TP 2, FP 2 -> F1 2/3
        AdaptiveThreshold t = AdaptiveThreshold.f1Optimal(new double[] {0.9, 0.5, 0.5, 0.5},
                new boolean[] {true, true, false, false}).orElseThrow();
        assertThat(t.value()).isEqualTo(0.5);
    }

    @Test
    void undefinedMetricsAreReportedNotNaN() {
        assertThat(AdaptiveThreshold.f1Optimal(new double[] {1, 2}, new boolean[] {false, false})).isEmpty();
        assertThatThrownBy(() -> RocCurve.of(new double[] {1, 2}, new boolean[] {false, false}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("undefined");
        PixelSet normalOnly = new PixelSet(2);
        normalOnly.add("n", new float[] {1, 2}, null, 2, 1, "good");
        PixelMetrics m = PixelMetrics.compute(normalOnly, null, 0.3);
        assertThat(m.auroc()).isNull();
        assertThat(m.auPro()).isNull();
        assertThat(m.notes()).containsKeys("pixel_auroc", "au_pro");
        assertThat(m.notes().get("au_pro")).contains("no anomalous pixels");
    }

    @Test
    void nonFiniteScoresAreRejectedNamingTheSource() {
        PixelSet set = new PixelSet(4);
        assertThatThrownBy(() -> set.add("maps/test/crack/003.npy", new float[] {0, 1, Float.NaN, 0}, null, 2, 2, "crack"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maps/test/crack/003.npy").hasMessageContaining("NaN").hasMessageContaining("row 1");
        assertThat(set.size()).isZero();
        assertThatThrownBy(() -> RocCurve.of(new double[] {Double.POSITIVE_INFINITY, 1}, new boolean[] {true, false}))
                .hasMessageContaining("Infinity");
    }

    @Test
    void subsetsOfGroupsAreScoredFromOneSort() {
        PixelSet set = new PixelSet(6);
        set.add("g", new float[] {0.1f, 0.2f}, null, 2, 1, "good");
        set.add("a", new float[] {0.9f, 0.0f}, new boolean[] {true, false}, 2, 1, "a");
        set.add("b", new float[] {0.15f, 0.3f}, new boolean[] {true, false}, 2, 1, "b");
        assertThat(PixelMetrics.compute(set, List.of("good", "a"), 1.0).auroc()).isEqualTo(1.0);
        // b: positive 0.15 vs normal 0.1, 0.2, 0.3 -> 1/3
        assertThat(PixelMetrics.compute(set, List.of("good", "b"), 1.0).auroc()).isCloseTo(1.0 / 3, within(EPS));
        assertThat(PixelMetrics.compute(set, List.of("good", "b"), 1.0).regions()).isEqualTo(1);
    }

    @Test
    void proCurveIsInterpolatedAtTheLimit() {
        ProCurve c = new ProCurve(new double[] {0, 0.2, 0.4, 1}, new double[] {0, 0.5, 1, 1});
        ProCurve cut = c.upTo(0.3);
        assertThat(cut.fpr()).containsExactly(0, 0.2, 0.3);
        assertThat(cut.pro()[2]).isCloseTo(0.75, within(EPS));
        // area: 0.5*0.2*0.5 + 0.5*(0.5+0.75)*0.1 = 0.05 + 0.0625
        assertThat(c.auPro(0.3)).isCloseTo((0.05 + 0.0625) / 0.3, within(EPS));
        assertThat(c.auPro(0.4)).isCloseTo((0.05 + 0.15) / 0.4, within(EPS));
        assertThatThrownBy(() -> c.auPro(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void negativeZeroEqualsZero() {
        assertThat(SortableFloat.toSortable(-0.0f)).isEqualTo(SortableFloat.toSortable(0.0f));
        float[] v = {-3.5f, -1e-30f, 0f, 1e-30f, 2f, Float.MAX_VALUE, -Float.MAX_VALUE};
        for (float a : v) {
            assertThat(SortableFloat.fromSortable(SortableFloat.toSortable(a))).isEqualTo(a);
            for (float b : v) {
                assertThat(Integer.compare(SortableFloat.toSortable(a), SortableFloat.toSortable(b)))
                        .isEqualTo(Float.compare(a, b));
            }
        }
    }
}
