package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Eq. 1's two forms agree: the SameDiff expression the loss trains with and the array loop the map uses. */
class FeatureDistanceTest {

    @Test
    void arrayFormMatchesTheSameDiffForm() {
        Nd4j.getRandom().setSeed(3);
        INDArray t = Nd4j.randn(DataType.FLOAT, 2, 5, 3, 4);
        INDArray s = Nd4j.randn(DataType.FLOAT, 2, 5, 3, 4);
        s.putScalar(new int[] {1, 0, 2, 3}, 0f);
        for (int c = 0; c < 5; c++) {
            t.putScalar(new int[] {0, c, 1, 1}, 0f); // an all-zero teacher vector: normalised to zero, not NaN
        }
        SameDiff sd = SameDiff.create();
        SDVariable tv = sd.constant("t", t);
        SDVariable sv = sd.constant("s", s);
        INDArray expected = FeatureDistance.perPosition(sd, tv, sv).eval();

        float[] tf = t.dup('c').data().asFloat();
        float[] sf = s.dup('c').data().asFloat();
        for (int n = 0; n < 2; n++) {
            double[] d = FeatureDistance.perPosition(tf, sf, n * 5 * 12, 5, 12);
            for (int p = 0; p < 12; p++) {
                assertThat(d[p]).as("image %d position %d", n, p).isCloseTo(expected.getDouble(n, p / 4, p % 4), within(1e-5));
            }
        }
        assertThat(FeatureDistance.perPosition(tf, sf, 0, 5, 12)[5]).isEqualTo(0.5); // ½‖0 − ŝ‖² = ½
    }
}
