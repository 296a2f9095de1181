package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AnomalyMapTest {

    /** Features [1, 2, 2, 2] whose unit vectors are given per position as (x, y). */
    private static INDArray features(float[][] xy) {
        float[] data = new float[8];
        for (int p = 0; p < 4; p++) {
            data[p] = xy[p][0];
            data[4 + p] = xy[p][1];
        }
        return Nd4j.create(data, new long[] {1, 2, 2, 2}, 'c');
    }

    /** Teacher (1,0) everywhere; student equal on the diagonal, orthogonal off it: distances [[0,1],[1,0]]. */
    private static final INDArray TEACHER = features(new float[][] {{1, 0}, {1, 0}, {1, 0}, {1, 0}});
    private static final INDArray STUDENT = features(new float[][] {{2, 0}, {0, 3}, {0, 1}, {5, 0}});

    /** PyTorch bilinear, align_corners=False, from 2 to 4: source rows 0, .25, .75, 1. */
    private static double expectedUpsampled(int i, int j) {
        double[] frac = {0, 0.25, 0.75, 1};
        double r = frac[i];
        double c = frac[j];
        return (1 - r) * c + r * (1 - c);
    }

    @Test
    void singleLevelMapIsTheBilinearlyUpsampledDistance() {
        INDArray map = new AnomalyMap(1, 4).compute(new INDArray[] {TEACHER}, new INDArray[] {STUDENT});
        assertThat(map.shape()).containsExactly(1, 4, 4);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertThat(map.getDouble(0, i, j)).as("(%d,%d)", i, j).isCloseTo(expectedUpsampled(i, j), within(1e-6));
            }
        }
    }

    @Test
    void levelsMultiply() {
        // second level: 45° everywhere, distance 1 − cos 45° (½‖a − b‖² = 1 − a·b for unit vectors)
        INDArray diagonal = features(new float[][] {{1, 1}, {1, 1}, {1, 1}, {1, 1}});
        INDArray map = new AnomalyMap(2, 4).compute(new INDArray[] {TEACHER, TEACHER}, new INDArray[] {STUDENT, diagonal});
        double factor = 1 - Math.sqrt(0.5);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertThat(map.getDouble(0, i, j)).isCloseTo(expectedUpsampled(i, j) * factor, within(1e-6));
            }
        }
        assertThat(AnomalyMap.scores(map)).containsExactly(new float[] {(float) factor}, within(1e-6f));
    }

    @Test
    void scoreIsTheMaximumOfEachMap() {
        INDArray maps = Nd4j.create(new float[] {0, 3, 1, 2, 7, 5, 6, 4}, new long[] {2, 2, 2}, 'c');
        assertThat(AnomalyMap.scores(maps)).containsExactly(3f, 7f);
    }

    /** The fused kernel against the same computation as a graph of ND4J's own operations. */
    @Test
    void matchesNd4jOperationsOnRandomFeatures() {
        Nd4j.getRandom().setSeed(5);
        INDArray[] t = {Nd4j.randn(DataType.FLOAT, 3, 4, 8, 8), Nd4j.randn(DataType.FLOAT, 3, 6, 4, 4),
            Nd4j.randn(DataType.FLOAT, 3, 8, 3, 3)};
        INDArray[] s = {t[0].add(Nd4j.randn(DataType.FLOAT, 3, 4, 8, 8).muli(0.5)), Nd4j.randn(DataType.FLOAT, 3, 6, 4, 4),
            Nd4j.randn(DataType.FLOAT, 3, 8, 3, 3)};
        int size = 20;
        SameDiff sd = SameDiff.create();
        SDVariable product = null;
        for (int l = 0; l < 3; l++) {
            SDVariable d = sd.expandDims(FeatureDistance.perPosition(sd, sd.constant(t[l]), sd.constant(s[l])), 3);
            SDVariable up = sd.image().resizeBiLinear(d, size, size, false, true);
            product = product == null ? up : product.mul(up);
        }
        INDArray expected = sd.squeeze(product, 3).eval();
        INDArray actual = new AnomalyMap(3, size).compute(t, s);
        assertThat(actual.shape()).containsExactly(3, size, size);
        double scale = expected.amaxNumber().doubleValue();
        assertThat(actual.sub(expected).amaxNumber().doubleValue() / scale).isLessThan(1e-5);
    }

    @Test
    void refusesMismatchedLevels() {
        INDArray[] t = {Nd4j.zeros(DataType.FLOAT, 1, 2, 2, 2)};
        INDArray[] s = {Nd4j.zeros(DataType.FLOAT, 1, 3, 2, 2)};
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AnomalyMap(1, 4).compute(t, s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("level 0");
    }
}
