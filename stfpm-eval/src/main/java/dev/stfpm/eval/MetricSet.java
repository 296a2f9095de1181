package dev.stfpm.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics of one set of test images: the whole test set, or one defect type together with the
 * good images (see {@link EvaluationResult#perDefect()}). A metric that is undefined is {@code null},
 * never NaN, and {@link #notes()} says why.
 *
 * @param normalImages    defect-free images in the set
 * @param anomalousImages defect images in the set
 * @param imageAuroc      image-level ROC AUC, or {@code null} if undefined
 * @param imageRoc        the image-level ROC curve, every point
 * @param pixel           pixel-level ROC AUC and AU-PRO with their curves
 * @param notes           reasons for undefined metrics and warnings, keyed by metric or topic
 */
public record MetricSet(int normalImages, int anomalousImages, Double imageAuroc, Optional<RocCurve> imageRoc,
                        PixelMetrics pixel, Map<String, String> notes) {

    /** Copies the notes, keeping their order. */
    public MetricSet {
        notes = Collections.unmodifiableMap(new LinkedHashMap<>(notes));
    }

    /** @return pixel-level ROC AUC, or {@code null} if undefined */
    public Double pixelAuroc() {
        return pixel.auroc();
    }

    /** @return AU-PRO up to the integration limit, or {@code null} if undefined */
    public Double auPro() {
        return pixel.auPro();
    }
}
