package dev.stfpm.core;

/**
 * The thresholds and score range stored with a trained model, so that its predictions carry a
 * normal/anomalous decision, a predicted mask and scores normalised to [0, 1].
 *
 * <p><b>Thresholds.</b> {@code imageThreshold} and {@code pixelThreshold} are F1-optimal adaptive
 * thresholds: the score, among all distinct scores, whose decision "anomalous iff score &ge;
 * threshold" maximises F1 on a labelled set (the lowest such score on ties), as anomalib's
 * {@code F1AdaptiveThreshold} does. The image threshold is fitted on image scores against image
 * labels, the pixel threshold on every pixel against the ground-truth masks.
 *
 * <p><b>Which set fits them.</b> An F1 threshold needs anomalous examples, so it cannot be fitted on a
 * validation split of normal images only. stfpm-eval fits it on the labelled set it evaluates, which
 * for {@code stfpm test} is the MVTec AD test set: that is what anomalib does by default (its
 * validation set is the test set). Thresholds fitted this way are <em>optimistic</em>: the test set
 * chose them. When a held-out labelled set exists, evaluate the model's maps on it and fit there.
 * {@link #fittedOn()} records which set was used.
 *
 * <p><b>Normalisation.</b> anomalib's min&ndash;max normalisation: {@code (s - threshold) / (max -
 * min) + 0.5}, clipped to [0, 1], so the threshold maps to 0.5. {@code min} and {@code max} are the
 * smallest and largest pixel score of the fitting set's anomaly maps; the same range normalises
 * image scores (each with its own threshold), as in anomalib. Decisions use the raw thresholds
 * ({@link #isAnomalous(double)}, {@link #isAnomalousPixel(float)}); normalised scores are for display
 * and for consumers that expect [0, 1] scores.
 *
 * @param imageThreshold F1-optimal threshold on image scores (anomalous iff score &ge; it)
 * @param pixelThreshold F1-optimal threshold on pixel scores (in the predicted mask iff score &ge; it)
 * @param min            smallest pixel score of the fitting set
 * @param max            largest pixel score of the fitting set
 * @param fittedOn       which set fitted it, in words (for example the test folder and a caveat)
 */
public record AnomalyCalibration(double imageThreshold, double pixelThreshold, double min, double max,
                                 String fittedOn) {

    /** Checks that every value is finite and {@code min <= max}. */
    public AnomalyCalibration {
        if (!Double.isFinite(imageThreshold) || !Double.isFinite(pixelThreshold)
                || !Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("calibration values must be finite: image threshold " + imageThreshold
                    + ", pixel threshold " + pixelThreshold + ", min " + min + ", max " + max);
        }
        if (min > max) {
            throw new IllegalArgumentException("calibration min " + min + " exceeds max " + max);
        }
        fittedOn = fittedOn == null ? "" : fittedOn;
    }

    /**
     * Normalises an image score with anomalib's min&ndash;max rule, mapping the image threshold to 0.5.
     * If the range is empty ({@code min == max}) the result is 1 at or above the threshold, else 0.
     *
     * @param score a raw image score
     * @return the normalised score in [0, 1]
     */
    public double normaliseImageScore(double score) {
        return normalise(score, imageThreshold);
    }

    /**
     * Normalises a pixel score with anomalib's min&ndash;max rule, mapping the pixel threshold to 0.5.
     * If the range is empty ({@code min == max}) the result is 1 at or above the threshold, else 0.
     *
     * @param score a raw pixel score
     * @return the normalised score in [0, 1]
     */
    public float normalisePixel(float score) {
        return (float) normalise(score, pixelThreshold);
    }

    /**
     * @param imageScore a raw image score
     * @return whether the image is anomalous: {@code imageScore >= imageThreshold}
     */
    public boolean isAnomalous(double imageScore) {
        return imageScore >= imageThreshold;
    }

    /**
     * @param pixelScore a raw pixel score
     * @return whether the pixel belongs to the predicted mask: {@code pixelScore >= pixelThreshold}
     */
    public boolean isAnomalousPixel(float pixelScore) {
        return pixelScore >= pixelThreshold;
    }

    /**
     * @param map raw pixel scores of one anomaly map
     * @return the predicted mask, {@code true} where {@link #isAnomalousPixel(float)}
     */
    public boolean[] predictedMask(float[] map) {
        boolean[] mask = new boolean[map.length];
        for (int i = 0; i < map.length; i++) {
            mask[i] = map[i] >= pixelThreshold;
        }
        return mask;
    }

    private double normalise(double score, double threshold) {
        double range = max - min;
        if (!(range > 0)) {
            return score >= threshold ? 1 : 0;
        }
        // anomalib normalize_min_max: ((s - threshold) / (max - min)) + 0.5, clipped to [0, 1]
        double n = (score - threshold) / range + 0.5;
        return Math.min(1, Math.max(0, n));
    }
}
