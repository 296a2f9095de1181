package dev.stfpm.eval.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.eval.AdaptiveThreshold;
import dev.stfpm.eval.EvaluationResult;
import dev.stfpm.eval.ImageResult;
import dev.stfpm.eval.MetricSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Writes {@code metrics.json}: {@code image_auroc}, {@code pixel_auroc}, {@code au_pro}, {@code
 * pro_limit}, {@code per_defect} (the same three metrics and image counts per defect type), image
 * counts, the F1-optimal thresholds, every image's score and {@code notes}. Undefined metrics are
 * JSON {@code null} and {@code notes} gives the reason, keyed by metric.
 */
final class MetricsJson {

    private MetricsJson() {
    }

    static void write(EvaluationResult r, Optional<AnomalyCalibration> calibration, Path file) throws IOException {
        Json.write(tree(r, calibration), file);
    }

    static ObjectNode tree(EvaluationResult r, Optional<AnomalyCalibration> calibration) {
        ObjectNode root = Json.object();
        MetricSet o = r.overall();
        root.put("image_auroc", o.imageAuroc());
        root.put("pixel_auroc", o.pixelAuroc());
        root.put("au_pro", o.auPro());
        root.put("pro_limit", r.proLimit());
        ObjectNode perDefect = root.putObject("per_defect");
        for (Map.Entry<String, MetricSet> e : r.perDefect().entrySet()) {
            MetricSet m = e.getValue();
            ObjectNode d = perDefect.putObject(e.getKey());
            d.put("image_auroc", m.imageAuroc());
            d.put("pixel_auroc", m.pixelAuroc());
            d.put("au_pro", m.auPro());
            d.put("anomalous_images", m.anomalousImages());
            d.put("good_images", m.normalImages());
            if (!m.notes().isEmpty()) {
                notes(d.putObject("notes"), m.notes());
            }
        }
        root.put("category", r.category());
        root.put("dataset", r.dataset().toString());
        root.put("anomaly_maps", r.mapsDir().toString());
        root.put("image_score", r.imageScore());
        ObjectNode images = root.putObject("images");
        images.put("good", o.normalImages());
        images.put("anomalous", o.anomalousImages());
        images.put("in_pixel_metrics", r.images().stream().filter(ImageResult::inPixelMetrics).count());
        images.put("pixels", o.pixel().normalPixels() + o.pixel().anomalousPixels());
        images.put("regions", o.pixel().regions());
        ObjectNode t = root.putObject("thresholds");
        threshold(t, "image_f1", r.imageThreshold());
        threshold(t, "pixel_f1", r.pixelThreshold());
        t.put("pixel_min", r.pixelMin());
        t.put("pixel_max", r.pixelMax());
        if (calibration.isPresent()) {
            t.put("fitted_on", calibration.get().fittedOn());
        }
        ArrayNode scores = root.putArray("image_scores");
        for (ImageResult i : r.images()) {
            ObjectNode s = scores.addObject();
            s.put("image", i.key());
            if (i.labelled()) {
                s.put("anomalous", i.anomalous());
            } else {
                s.putNull("anomalous");
            }
            s.put("score", i.score());
            calibration.ifPresent(c -> s.put("predicted_anomalous", c.isAnomalous(i.score())));
        }
        notes(root.putObject("notes"), o.notes());
        return root;
    }

    private static void threshold(ObjectNode parent, String key, Optional<AdaptiveThreshold> t) {
        if (t.isEmpty()) {
            parent.putNull(key);
            return;
        }
        ObjectNode n = parent.putObject(key);
        n.put("value", t.get().value());
        n.put("f1", t.get().f1());
        n.put("precision", t.get().precision());
        n.put("recall", t.get().recall());
    }

    private static void notes(ObjectNode node, Map<String, String> notes) {
        notes.forEach(node::put);
    }
}
