package dev.stfpm.eval.report;

import dev.stfpm.eval.AdaptiveThreshold;
import dev.stfpm.eval.EvaluationResult;
import dev.stfpm.eval.ImageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Wording and numbers shared by the Markdown and HTML reports. */
final class ReportText {

    private ReportText() {
    }

    /** @return a metric with four decimals, or "n/a" */
    static String metric(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** @return a score or threshold with enough digits */
    static String score(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** @return the AU-PRO column heading */
    static String auProHeading(double limit) {
        return "AU-PRO (FPR \u2264 " + limit + ")";
    }

    /** @return the sentence defining the per-defect rows */
    static String perDefectDefinition(int good) {
        return "Per defect type: image AUROC of that type's images against the " + good + " good test images; "
                + "pixel AUROC and AU-PRO over that type's images plus the good images.";
    }

    /** @return the sentence defining the metrics */
    static String definitions(EvaluationResult r) {
        return "Image AUROC: ROC AUC of image scores (" + r.imageScore() + "), ties counted half. "
                + "Pixel AUROC: ROC AUC pooled over every evaluated pixel. AU-PRO: MVTec AD's definition \u2014 "
                + "regions are the 8-connected components of each ground-truth mask; at each distinct score, FPR is "
                + "the share of defect-free pixels at or above it and PRO the mean over regions of the share of the "
                + "region at or above it; trapezoid area up to FPR " + r.proLimit() + " divided by " + r.proLimit() + ".";
    }

    /** @return one line per note, "scope: key: reason" */
    static List<String> notes(EvaluationResult r) {
        List<String> lines = new ArrayList<>();
        add(lines, "overall", r.overall().notes());
        r.perDefect().forEach((d, m) -> add(lines, d, m.notes()));
        return lines;
    }

    private static void add(List<String> lines, String scope, Map<String, String> notes) {
        notes.forEach((k, v) -> lines.add(scope + " " + k + ": " + v));
    }

    /** @return the sentences about the thresholds, or why there are none */
    static String thresholds(EvaluationResult r) {
        if (r.imageThreshold().isEmpty()) {
            return "No F1-optimal threshold: the test set has no anomalous image, so no predicted masks or decisions.";
        }
        AdaptiveThreshold i = r.imageThreshold().get();
        StringBuilder s = new StringBuilder("F1-optimal image threshold ").append(score(i.value()))
                .append(" (F1 ").append(metric(i.f1())).append(", precision ").append(metric(i.precision()))
                .append(", recall ").append(metric(i.recall())).append(")");
        if (r.pixelThreshold().isPresent()) {
            AdaptiveThreshold p = r.pixelThreshold().get();
            s.append("; F1-optimal pixel threshold ").append(score(p.value())).append(" (F1 ").append(metric(p.f1()))
                    .append(")");
        } else {
            s.append("; no masks, so the pixel threshold is the image threshold (as anomalib)");
        }
        s.append(". Pixel scores range from ").append(score(r.pixelMin())).append(" to ").append(score(r.pixelMax()))
                .append(". These thresholds were fitted on this test set, as anomalib does by default, so they are "
                        + "optimistic: fit them on a held-out labelled set when one exists.");
        return s.toString();
    }

    /** @return the overlay PNG of an image, relative to the report folder */
    static String overlayPath(ImageResult i) {
        return "images/" + i.defect() + "/" + i.name() + ".png";
    }
}
