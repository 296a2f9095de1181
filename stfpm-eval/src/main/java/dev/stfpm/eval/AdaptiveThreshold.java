package dev.stfpm.eval;

import java.util.Optional;

/**
 * An F1-optimal adaptive threshold, as anomalib's {@code F1AdaptiveThreshold} chooses it: among all
 * distinct scores t ({@link ScoreSweep}), the one whose decision "anomalous iff score &ge; t" has the
 * highest F1 score on a labelled set; on equal F1 (compared exactly, as fractions) the lowest such t.
 *
 * <p>F1 needs anomalous samples, so it is undefined on a set of normal samples only, such as a
 * validation split of normal training images: see {@link CalibrationFitter} for which set fits it.
 *
 * @param value     the threshold (samples scoring &ge; it are anomalous)
 * @param f1        F1 at the threshold
 * @param precision precision at the threshold
 * @param recall    recall at the threshold
 */
public record AdaptiveThreshold(double value, double f1, double precision, double recall) {

    /**
     * Fits an F1-optimal threshold on scored, labelled samples (images, typically).
     *
     * @param scores    one finite score per sample
     * @param anomalous whether each sample is anomalous
     * @return the threshold, or empty if there is no anomalous sample
     * @throws IllegalArgumentException if a score is not finite or the lengths differ
     */
    public static Optional<AdaptiveThreshold> f1Optimal(double[] scores, boolean[] anomalous) {
        ScoreSweep sweep = ScoreSweep.of(scores, anomalous);
        if (sweep.positives() == 0) {
            return Optional.empty();
        }
        Tracker best = new Tracker(sweep.positives());
        while (sweep.next()) {
            best.offer(sweep.threshold(), sweep.tp(), sweep.fp());
        }
        return Optional.of(best.best());
    }

    /**
     * Follows a sweep over distinct thresholds in descending order and keeps the F1-optimal one.
     * Exact: F1 values are compared as fractions in integer arithmetic.
     */
    static final class Tracker {
        private final long positives;
        private double value = Double.NaN;
        private long bestTp = -1;
        private long bestFp;

        /** @param positives the number of anomalous samples, &gt; 0 */
        Tracker(long positives) {
            this.positives = positives;
        }

        /**
         * @param threshold the threshold
         * @param tp        anomalous samples scoring &ge; it
         * @param fp        normal samples scoring &ge; it
         */
        void offer(double threshold, long tp, long fp) {
            // F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (TP + FP + P); ">=" keeps the lowest threshold on ties
            if (bestTp < 0 || tp * (bestTp + bestFp + positives) >= bestTp * (tp + fp + positives)) {
                value = threshold;
                bestTp = tp;
                bestFp = fp;
            }
        }

        /** @return the best threshold offered */
        AdaptiveThreshold best() {
            double f1 = 2.0 * bestTp / (bestTp + bestFp + positives);
            double precision = bestTp + bestFp == 0 ? 0 : (double) bestTp / (bestTp + bestFp);
            return new AdaptiveThreshold(value, f1, precision, (double) bestTp / positives);
        }
    }
}
