package dev.stfpm.eval;

import java.util.Arrays;

/**
 * Scores split by label and each part sorted ascending, with {@code -0.0} read as {@code 0.0}:
 * the primitive-array input of the exact image-level sweeps.
 *
 * @param positives the anomalous samples' scores, ascending
 * @param negatives the normal samples' scores, ascending
 */
record SplitScores(double[] positives, double[] negatives) {

    static SplitScores of(double[] scores, boolean[] anomalous) {
        if (scores.length != anomalous.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + anomalous.length + " labels");
        }
        int p = 0;
        for (boolean a : anomalous) {
            p += a ? 1 : 0;
        }
        double[] pos = new double[p];
        double[] neg = new double[scores.length - p];
        int ip = 0;
        int in = 0;
        for (int k = 0; k < scores.length; k++) {
            double s = scores[k];
            if (!Double.isFinite(s)) {
                throw new IllegalArgumentException("score " + k + " is " + s + " (scores must be finite)");
            }
            if (anomalous[k]) {
                pos[ip++] = s + 0.0;
            } else {
                neg[in++] = s + 0.0;
            }
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        return new SplitScores(pos, neg);
    }
}
