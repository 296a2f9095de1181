package dev.stfpm.eval;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.data.MvtecCategory;
import java.util.List;
import java.util.Optional;

/**
 * Fits an {@link AnomalyCalibration} &mdash; F1-optimal image and pixel thresholds and the pixel
 * score range for anomalib's min&ndash;max normalisation &mdash; on a labelled set of anomaly maps.
 *
 * <p><b>Which set.</b> F1 needs anomalous examples, so a validation split of normal training images
 * cannot fit it (a quantile of normal scores would be a different criterion, with a false-positive
 * rate chosen by hand). This class fits on the labelled set it is given; {@code stfpm test} gives it
 * the MVTec AD test set, which is what anomalib does by default. Such thresholds are optimistic,
 * having been chosen on the data they are then judged on: when a held-out labelled set exists,
 * evaluate the model's maps on it ({@link MapEvaluator}) and fit there.
 *
 * <p>Without ground-truth masks the pixel threshold falls back to the image threshold, as in
 * anomalib. The score range is the smallest and largest pixel score of all the set's maps.
 */
public final class CalibrationFitter {

    private CalibrationFitter() {
    }

    /**
     * Fits a calibration on an evaluated set.
     *
     * @param result the evaluation of a labelled set
     * @return the calibration
     * @throws IllegalStateException if the set has no anomalous image (no F1 threshold exists)
     */
    public static AnomalyCalibration fit(EvaluationResult result) {
        return fitIfDefined(result).orElseThrow(() -> new IllegalStateException(
                "cannot fit an F1-optimal threshold: " + result.dataset().resolve("test")
                        + " holds no anomalous images (a set of normal images only has no F1)"));
    }

    /**
     * Fits a calibration on an evaluated set, if it can be fitted.
     *
     * @param result the evaluation of a labelled set
     * @return the calibration, or empty if the set has no anomalous image
     */
    public static Optional<AnomalyCalibration> fitIfDefined(EvaluationResult result) {
        if (result.imageThreshold().isEmpty()) {
            return Optional.empty();
        }
        MetricSet o = result.overall();
        String fittedOn = "F1-optimal on the labelled set " + result.dataset().resolve("test") + " (" + o.normalImages()
                + " good, " + o.anomalousImages() + " anomalous images)";
        return Optional.of(build(result.imageThreshold().get(), result.pixelThreshold(), result.pixelMin(),
                result.pixelMax(), fittedOn));
    }

    /**
     * Fits a calibration on maps, image labels and masks held in memory.
     *
     * @param maps      one {@code width × height} map per image, row-major
     * @param width     pixels per row
     * @param height    rows
     * @param anomalous whether each image is anomalous
     * @param masks     each image's ground-truth mask, or {@code null} for a normal image; an
     *                  anomalous image with a {@code null} mask is left out of the pixel threshold
     * @param fittedOn  which set this is, in words, stored in the calibration
     * @return the calibration
     * @throws IllegalArgumentException if sizes disagree, a score is not finite, or no image is anomalous
     */
    public static AnomalyCalibration fit(List<float[]> maps, int width, int height, boolean[] anomalous,
                                         List<boolean[]> masks, String fittedOn) {
        if (maps.size() != anomalous.length || maps.size() != masks.size()) {
            throw new IllegalArgumentException(maps.size() + " maps, " + anomalous.length + " labels and " + masks.size()
                    + " masks: counts must agree");
        }
        double[] scores = new double[maps.size()];
        PixelSet pixels = new PixelSet((long) width * height * maps.size());
        ScoreRange range = ScoreRange.EMPTY;
        boolean anyMask = masks.stream().anyMatch(m -> m != null);
        for (int i = 0; i < scores.length; i++) {
            float[] map = maps.get(i);
            boolean[] mask = masks.get(i);
            if (anyMask && (!anomalous[i] || mask != null)) {
                pixels.add("map " + i, map, mask, width, height, anomalous[i] ? "defect" : MvtecCategory.GOOD);
            }
            ScoreRange r = ScoreRange.scan("map " + i, map, width);
            range = range.union(r);
            scores[i] = r.max();
        }
        AdaptiveThreshold image = AdaptiveThreshold.f1Optimal(scores, anomalous).orElseThrow(() ->
                new IllegalArgumentException("cannot fit an F1-optimal threshold: no anomalous image"));
        Optional<AdaptiveThreshold> pixel = pixels.size() == 0 ? Optional.empty()
                : PixelMetrics.compute(pixels, null, 1.0).threshold();
        return build(image, pixel, range.min(), range.max(), fittedOn);
    }

    private static AnomalyCalibration build(AdaptiveThreshold image, Optional<AdaptiveThreshold> pixel, double min,
                                            double max, String fittedOn) {
        String note = fittedOn + "; thresholds fitted on the evaluated set itself are optimistic: fit them on a "
                + "held-out labelled set when one exists"
                + (pixel.isEmpty() ? "; no ground-truth masks, so the pixel threshold is the image threshold (as anomalib)" : "");
        return new AnomalyCalibration(image.value(), pixel.map(AdaptiveThreshold::value).orElse(image.value()),
                min, max, note);
    }
}
