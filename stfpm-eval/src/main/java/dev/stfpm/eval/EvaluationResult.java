package dev.stfpm.eval;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link MapEvaluator} found: metrics over the whole test set and per defect type, every
 * image's score, and what {@link CalibrationFitter} needs to fit thresholds. Immutable.
 *
 * <p><b>Per defect type</b> ({@link #perDefect()}): image AUROC of that defect type's images against
 * the good test images; pixel AUROC and AU-PRO over that defect type's images plus the good images
 * (their pixels are all defect-free), so each defect type is scored against the same normal data.
 *
 * @param dataset        the category folder
 * @param mapsDir        the anomaly maps folder
 * @param imageScore     how image scores were obtained, in words ({@value #MAX_OF_MAP} or given)
 * @param proLimit       the FPR integration limit of AU-PRO
 * @param overall        the metrics over every test image
 * @param perDefect      the metrics per defect type (not {@code good}), in name order
 * @param images         every test image, by defect type then name
 * @param imageThreshold the F1-optimal threshold on image scores, absent without anomalous images
 * @param pixelMin       the smallest pixel score over all maps
 * @param pixelMax       the largest pixel score over all maps
 */
public record EvaluationResult(Path dataset, Path mapsDir, String imageScore, double proLimit, MetricSet overall,
                               Map<String, MetricSet> perDefect, List<ImageResult> images,
                               Optional<AdaptiveThreshold> imageThreshold, double pixelMin, double pixelMax) {

    /** {@link #imageScore()} when each image's score is the maximum of its map. */
    public static final String MAX_OF_MAP = "maximum of the map";

    /** Copies the collections, keeping their order. */
    public EvaluationResult {
        perDefect = Collections.unmodifiableMap(new LinkedHashMap<>(perDefect));
        images = List.copyOf(images);
    }

    /** @return the F1-optimal threshold on pixel scores, absent without ground-truth regions */
    public Optional<AdaptiveThreshold> pixelThreshold() {
        return overall.pixel().threshold();
    }

    /** @return the category's name, the dataset folder's name */
    public String category() {
        Path name = dataset.toAbsolutePath().normalize().getFileName();
        return name == null ? dataset.toString() : name.toString();
    }
}
