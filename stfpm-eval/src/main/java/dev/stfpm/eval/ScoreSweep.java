package dev.stfpm.eval;

import java.util.Arrays;

/**
 * A sweep over the distinct scores of labelled samples, from the highest down, with ties grouped:
 * at each distinct score t it gives the confusion counts of the decision "anomalous iff score &ge;
 * t", TP(t) = anomalous samples scoring &ge; t and FP(t) = normal samples scoring &ge; t. Samples
 * with equal scores enter the counts together, so there is exactly one step per distinct score.
 *
 * <p>These are the thresholds of the efficient ROC-point algorithm of Fawcett ("An introduction to
 * ROC analysis", Pattern Recognition Letters 27 (2006) 861&ndash;874), which emits a point only when
 * the score changes so that equally scored samples are never split, and of scikit-learn's {@code
 * roc_curve} and anomalib's F1 threshold search (both take the distinct score values as thresholds).
 * {@link RocCurve} and {@link AdaptiveThreshold} are built on it.
 *
 * <p>Scores must be finite; {@code -0.0} is read as {@code 0.0}. Not thread-safe.
 *
 * <pre>{@code
 * ScoreSweep sweep = ScoreSweep.of(scores, anomalous);
 * while (sweep.next()) {
 *     use(sweep.threshold(), sweep.tp(), sweep.fp());
 * }
 * }</pre>
 */
final class ScoreSweep {

    /** The anomalous samples' scores, ascending. */
    private final double[] anomalousScores;
    /** The normal samples' scores, ascending. */
    private final double[] normalScores;
    /** The highest anomalous score not yet counted, or -1. */
    private int i;
    /** The highest normal score not yet counted, or -1. */
    private int j;
    private long tp;
    private long fp;
    private double threshold = Double.NaN;

    private ScoreSweep(double[] anomalousScores, double[] normalScores) {
        this.anomalousScores = anomalousScores;
        this.normalScores = normalScores;
        i = anomalousScores.length - 1;
        j = normalScores.length - 1;
    }

    /**
     * Starts a sweep, before the highest score.
     *
     * @param scores    one finite score per sample
     * @param anomalous whether each sample is anomalous
     * @return the sweep
     * @throws IllegalArgumentException if a score is not finite or the lengths differ
     */
    static ScoreSweep of(double[] scores, boolean[] anomalous) {
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
        return new ScoreSweep(pos, neg);
    }

    /** @return P, the number of anomalous samples */
    long positives() {
        return anomalousScores.length;
    }

    /** @return N, the number of normal samples */
    long negatives() {
        return normalScores.length;
    }

    /**
     * Moves to the next lower distinct score, counting every sample that scores it.
     *
     * @return whether there was one; {@code false} once every sample is counted
     */
    boolean next() {
        if (i < 0 && j < 0) {
            return false;
        }
        threshold = Math.max(i >= 0 ? anomalousScores[i] : Double.NEGATIVE_INFINITY,
                j >= 0 ? normalScores[j] : Double.NEGATIVE_INFINITY);
        while (i >= 0 && anomalousScores[i] == threshold) {
            tp++;
            i--;
        }
        while (j >= 0 && normalScores[j] == threshold) {
            fp++;
            j--;
        }
        return true;
    }

    /** @return t, the current distinct score */
    double threshold() {
        return threshold;
    }

    /** @return TP(t), anomalous samples scoring &ge; t */
    long tp() {
        return tp;
    }

    /** @return FP(t), normal samples scoring &ge; t */
    long fp() {
        return fp;
    }
}
