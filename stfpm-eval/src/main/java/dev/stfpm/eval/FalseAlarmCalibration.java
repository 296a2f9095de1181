package dev.stfpm.eval;

import dev.stfpm.core.AnomalyCalibration;
import java.util.PriorityQueue;

/**
 * Fits an {@link AnomalyCalibration} from normal images alone: image and pixel thresholds at a chosen
 * false-alarm rate on good images, for production users who have only good pictures.
 *
 * <p><b>The rule.</b> For a rate {@code r} and {@code n} good images, at most {@code k = ⌊r·n⌋} of
 * them may be called anomalous ({@code score ≥ threshold}). The threshold is the smallest float above
 * the {@code (k+1)}-th largest score, so exactly the {@code k} largest scores (fewer if scores tie
 * there) reach it: the false-alarm rate on the fitting set is at most {@code r}. The pixel threshold
 * does the same over every pixel of the good images' maps. The normalisation range ({@code min},
 * {@code max}) is the smallest and largest pixel score of those maps, as {@link CalibrationFitter}'s.
 *
 * <p><b>How it differs from {@link CalibrationFitter}.</b> F1-optimal thresholds balance missed
 * defects against false alarms on a labelled set with defects; they need anomalous images and,
 * fitted on the test set, are optimistic. False-alarm thresholds need no defect at all and promise
 * only a false-alarm rate on images like the good ones given; how many defects they catch is not
 * known until a labelled set is tested. Fit them on good images the student was not trained on (the
 * validation split, or a separate folder); on training images their scores are too low and the false-alarm
 * rate on new good images higher.
 *
 * <p>Memory is bounded by {@code k + 1} pixel scores, whatever the number of images: the largest
 * pixel scores are kept in a heap.
 */
public final class FalseAlarmCalibration {

    private final double rate;
    private final int expectedImages;
    private final long expectedPixels;
    private final PriorityQueue<Float> imageScores = new PriorityQueue<>();
    private final PriorityQueue<Float> pixelScores = new PriorityQueue<>();
    private int images;
    private ScoreRange range = ScoreRange.EMPTY;

    /**
     * @param falseAlarmRate the largest fraction of good images (and of good pixels) to call anomalous, in [0, 1)
     * @param images         how many maps will be added (the heaps are sized for them)
     * @param pixelsPerMap   the pixels of each map
     * @throws IllegalArgumentException if the rate is outside [0, 1) or a count is not positive
     */
    public FalseAlarmCalibration(double falseAlarmRate, int images, int pixelsPerMap) {
        if (!(falseAlarmRate >= 0 && falseAlarmRate < 1)) {
            throw new IllegalArgumentException("false-alarm rate must be in [0, 1): " + falseAlarmRate);
        }
        if (images < 1 || pixelsPerMap < 1) {
            throw new IllegalArgumentException("need at least one good image of at least one pixel: " + images
                    + " images of " + pixelsPerMap + " pixels");
        }
        this.rate = falseAlarmRate;
        this.expectedImages = images;
        this.expectedPixels = (long) images * pixelsPerMap;
    }

    /**
     * Adds one good image's anomaly map; its score is the map's maximum.
     *
     * @param source names the map in messages
     * @param map    the map, row-major
     * @param width  pixels per row
     * @throws IllegalArgumentException if a score is not finite
     */
    public void add(String source, float[] map, int width) {
        if (images == expectedImages || (long) map.length * expectedImages != expectedPixels) {
            throw new IllegalArgumentException(source + ": map " + (images + 1) + " of " + map.length
                    + " pixels, expected " + expectedImages + " maps of " + expectedPixels / expectedImages);
        }
        range = range.union(ScoreRange.scan(source, map, width));
        images++;
        float score = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            score = Math.max(score, v);
            keepLargest(pixelScores, v, expectedPixels);
        }
        keepLargest(imageScores, score, expectedImages);
    }

    /** Keeps the {@code ⌊rate·count⌋ + 1} largest values of {@code count}. */
    private void keepLargest(PriorityQueue<Float> heap, float value, long count) {
        long keep = allowed(count) + 1;
        if (heap.size() < keep) {
            heap.add(value);
        } else if (value > heap.peek()) {
            heap.poll();
            heap.add(value);
        }
    }

    private long allowed(long count) {
        return (long) Math.floor(rate * count);
    }

    /**
     * @param fittedOn which good images these are, in words (stored with the rate in the calibration)
     * @return the thresholds and range
     * @throws IllegalStateException if fewer maps than announced were added
     */
    public AnomalyCalibration fit(String fittedOn) {
        if (images != expectedImages) {
            throw new IllegalStateException(images + " of " + expectedImages + " good images added");
        }
        double image = threshold(imageScores);
        double pixel = threshold(pixelScores);
        String note = String.format(java.util.Locale.ROOT, "false-alarm rate %s on %d good images (%s): at most %d "
                + "image(s) and %d pixel(s) of them reach the thresholds; no defects were seen, so how many defects "
                + "the thresholds catch is unknown until a labelled set is tested", rate, images, fittedOn,
                allowed(expectedImages), allowed(expectedPixels));
        return new AnomalyCalibration(image, pixel, range.min(), range.max(), note);
    }

    /** The smallest float above the {@code (k+1)}-th largest value: the smallest of the {@code k + 1} kept. */
    private static double threshold(PriorityQueue<Float> largest) {
        return Math.nextUp(largest.peek());
    }
}
