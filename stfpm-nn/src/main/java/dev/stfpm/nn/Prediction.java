package dev.stfpm.nn;

import dev.stfpm.core.AnomalyCalibration;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The result of testing one image.
 *
 * @param image       the image file, or {@code null} for an in-memory input
 * @param score       the anomaly score, the maximum of the map
 * @param map         the anomaly map (Eq. 4), {@code size × size} floats, row-major
 * @param size        the side of the square map
 * @param calibration the model's thresholds, or {@code null} if it has none
 */
public record Prediction(Path image, float score, float[] map, int size, AnomalyCalibration calibration) {

    /** Checks the map's length. */
    public Prediction {
        if (map.length != size * size) {
            throw new IllegalArgumentException("map of " + map.length + " values is not " + size + "x" + size);
        }
    }

    /** @return whether the image is anomalous, if the model has thresholds */
    public Optional<Boolean> anomalous() {
        return Optional.ofNullable(calibration).map(c -> c.isAnomalous(score));
    }

    /** @return the score normalised to [0, 1] with 0.5 at the threshold, if the model has thresholds */
    public Optional<Double> normalisedScore() {
        return Optional.ofNullable(calibration).map(c -> c.normaliseImageScore(score));
    }

    /** @return the predicted defect mask ({@code size × size}, row-major), if the model has thresholds */
    public Optional<boolean[]> predictedMask() {
        return Optional.ofNullable(calibration).map(c -> c.predictedMask(map));
    }
}
