package dev.stfpm.eval.report;

import dev.stfpm.eval.EvaluationResult;
import dev.stfpm.eval.MetricSet;

/** The few lines {@code stfpm evaluate} and {@code stfpm test} print about an evaluation. */
public final class TerminalSummary {

    private TerminalSummary() {
    }

    /**
     * @param r the evaluation
     * @return image counts, the three metrics over the whole test set ("n/a" when undefined), and
     *         one indented line per note (why a metric is undefined, warnings)
     */
    public static String of(EvaluationResult r) {
        MetricSet o = r.overall();
        StringBuilder s = new StringBuilder();
        s.append(r.category()).append(": ").append(r.images().size()).append(" test images (").append(o.normalImages())
                .append(" good, ").append(o.anomalousImages()).append(" anomalous)\n");
        s.append("image AUROC ").append(ReportText.metric(o.imageAuroc()))
                .append("  pixel AUROC ").append(ReportText.metric(o.pixelAuroc()))
                .append("  AU-PRO(FPR<=").append(r.proLimit()).append(") ").append(ReportText.metric(o.auPro()));
        o.notes().forEach((k, v) -> s.append("\n  ").append(k).append(": ").append(v));
        return s.toString();
    }
}
