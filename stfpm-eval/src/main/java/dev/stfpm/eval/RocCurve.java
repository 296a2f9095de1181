package dev.stfpm.eval;

import java.util.Arrays;

/**
 * A receiver operating characteristic curve and the area under it.
 *
 * <p>The curve has one point per distinct score ({@link ScoreSweep}): at threshold t, a sample is
 * called anomalous iff its score is &ge; t; the point is (false positive rate, true positive rate).
 * It starts at (0, 0) and ends at (1, 1). The area is the trapezoid rule over these points, which with ties equals the
 * Mann&ndash;Whitney statistic counting a tied (anomalous, normal) pair as one half &mdash; the
 * value of scikit-learn's {@code roc_auc_score}. It is computed in exact integer arithmetic.
 *
 * <p>Curves built from pixels may be thinned for plotting ({@link PixelMetrics}); {@link #auc()} is
 * always computed from every point.
 *
 * @param fpr false positive rates, non-decreasing
 * @param tpr true positive rates, non-decreasing
 * @param auc the exact area under the full curve
 */
public record RocCurve(double[] fpr, double[] tpr, double auc) {

    /** Checks the arrays and copies them. */
    public RocCurve {
        if (fpr.length != tpr.length) {
            throw new IllegalArgumentException("fpr has " + fpr.length + " points, tpr " + tpr.length);
        }
        fpr = fpr.clone();
        tpr = tpr.clone();
    }

    /** @return a copy of the false positive rates */
    @Override
    public double[] fpr() {
        return fpr.clone();
    }

    /** @return a copy of the true positive rates */
    @Override
    public double[] tpr() {
        return tpr.clone();
    }

    /**
     * Computes the exact ROC curve of scored samples (images, typically).
     *
     * @param scores    one finite score per sample
     * @param anomalous whether each sample is anomalous
     * @return the curve with every point
     * @throws IllegalArgumentException if a score is not finite, the lengths differ, or there is no
     *                                  anomalous or no normal sample (the AUC is then undefined)
     */
    public static RocCurve of(double[] scores, boolean[] anomalous) {
        ScoreSweep sweep = ScoreSweep.of(scores, anomalous);
        long p = sweep.positives();
        long n = sweep.negatives();
        if (p == 0 || n == 0) {
            throw new IllegalArgumentException("ROC AUC is undefined with " + p + " anomalous and " + n + " normal samples");
        }
        CurveBuilder curve = new CurveBuilder(0, 0);
        curve.add(0, 0);
        long tpBefore = 0;
        long fpBefore = 0;
        long twiceArea = 0;
        while (sweep.next()) {
            long tp = sweep.tp();
            long fp = sweep.fp();
            // trapezoid rule on the ROC curve, in units of 1/(2PN)
            twiceArea += (fp - fpBefore) * (tp + tpBefore);
            curve.add((double) fp / n, (double) tp / p);
            tpBefore = tp;
            fpBefore = fp;
        }
        return new RocCurve(curve.xs(), curve.ys(), twiceArea / (2.0 * p * n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RocCurve r && Arrays.equals(fpr, r.fpr) && Arrays.equals(tpr, r.tpr)
                && Double.compare(auc, r.auc) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(fpr) + Arrays.hashCode(tpr)) + Double.hashCode(auc);
    }

    @Override
    public String toString() {
        return "RocCurve[" + fpr.length + " points, auc=" + auc + "]";
    }
}
