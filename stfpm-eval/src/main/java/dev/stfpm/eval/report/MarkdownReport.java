package dev.stfpm.eval.report;

import dev.stfpm.eval.EvaluationResult;
import dev.stfpm.eval.MetricSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes {@code report.md}: the metrics table per defect type and overall, definitions and notes. */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static void write(EvaluationResult r, Path file) throws IOException {
        MetricSet o = r.overall();
        StringBuilder md = new StringBuilder();
        md.append("# Anomaly map evaluation: ").append(r.category()).append("\n\n");
        md.append("- Data set: `").append(r.dataset()).append("` (").append(o.normalImages()).append(" good, ")
                .append(o.anomalousImages()).append(" anomalous test images)\n");
        md.append("- Anomaly maps: `").append(r.mapsDir()).append("`\n");
        md.append("- Image score: ").append(r.imageScore()).append("\n\n");
        md.append("| Defect type | Anomalous images | Image AUROC | Pixel AUROC | ").append(ReportText.auProHeading(r.proLimit()))
                .append(" |\n|---|---:|---:|---:|---:|\n");
        for (Map.Entry<String, MetricSet> e : r.perDefect().entrySet()) {
            row(md, e.getKey(), e.getValue(), false);
        }
        row(md, "overall", o, true);
        md.append('\n').append(ReportText.perDefectDefinition(o.normalImages())).append(' ')
                .append(ReportText.definitions(r)).append("\n\n");
        md.append("## Thresholds\n\n").append(ReportText.thresholds(r)).append("\n");
        List<String> notes = ReportText.notes(r);
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        md.append("\nPlots and per-image overlays: `report.html`.\n");
        Files.writeString(file, md, StandardCharsets.UTF_8);
    }

    private static void row(StringBuilder md, String name, MetricSet m, boolean bold) {
        String b = bold ? "**" : "";
        md.append("| ").append(b).append(name.replace("|", "\\|")).append(b).append(" | ").append(m.anomalousImages())
                .append(" | ").append(b).append(ReportText.metric(m.imageAuroc())).append(b)
                .append(" | ").append(b).append(ReportText.metric(m.pixelAuroc())).append(b)
                .append(" | ").append(b).append(ReportText.metric(m.auPro())).append(b).append(" |\n");
    }
}
