package dev.stfpm.eval.report;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.eval.EvaluationResult;
import dev.stfpm.eval.ImageResult;
import dev.stfpm.eval.MetricSet;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes {@code report.html}: one self-contained page (inline CSS, no scripts, no network) showing
 * the metrics table, the curve plots and every per-image overlay, all by relative links, so it opens
 * from the report folder in any browser.
 */
final class HtmlReport {

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px auto;
              max-width:1400px;padding:0 16px;color:#1d1d1f;background:#fafafa}
            h1{font-size:1.6em;margin-bottom:.2em} h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
            h3{margin:1.2em 0 .4em} .meta{color:#555;margin:.2em 0} code{background:#eee;padding:1px 4px;border-radius:3px}
            table{border-collapse:collapse;margin:1em 0;background:#fff}
            th,td{border:1px solid #ccc;padding:6px 12px} th{background:#f0f0f0} td.n{text-align:right;font-variant-numeric:tabular-nums}
            tr.overall td{font-weight:bold;background:#f6f6ff} td.na{color:#999}
            .def{color:#444;font-size:.92em;max-width:1100px}
            .plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
            .plots img{width:100%;border:1px solid #ddd;background:#fff}
            .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:10px}
            figure{margin:0;background:#fff;border:1px solid #ddd;padding:4px} figure img{width:100%;display:block}
            figcaption{font-size:.85em;padding:3px 2px;color:#333} .wrong{color:#b00020;font-weight:bold} .ok{color:#137333}
            ul.notes li{margin:.2em 0}
            """;

    private HtmlReport() {
    }

    static void write(EvaluationResult r, Optional<AnomalyCalibration> calibration, List<String> plots, Path file)
            throws IOException {
        MetricSet o = r.overall();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Anomaly map evaluation: ").append(esc(r.category())).append("</title>\n<style>")
                .append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>Anomaly map evaluation: ").append(esc(r.category())).append("</h1>\n");
        h.append("<p class=\"meta\">Data set <code>").append(esc(r.dataset().toString())).append("</code>: ")
                .append(o.normalImages()).append(" good, ").append(o.anomalousImages()).append(" anomalous test images.</p>\n");
        h.append("<p class=\"meta\">Anomaly maps <code>").append(esc(r.mapsDir().toString())).append("</code>; image score: ")
                .append(esc(r.imageScore())).append(".</p>\n");
        h.append("<table>\n<tr><th>Defect type</th><th>Anomalous images</th><th>Image AUROC</th><th>Pixel AUROC</th><th>")
                .append(esc(ReportText.auProHeading(r.proLimit()))).append("</th></tr>\n");
        for (Map.Entry<String, MetricSet> e : r.perDefect().entrySet()) {
            row(h, e.getKey(), e.getValue(), false);
        }
        row(h, "overall", o, true);
        h.append("</table>\n<p class=\"def\">").append(esc(ReportText.perDefectDefinition(o.normalImages()))).append(' ')
                .append(esc(ReportText.definitions(r))).append("</p>\n");
        List<String> notes = ReportText.notes(r);
        if (!notes.isEmpty()) {
            h.append("<h2>Notes</h2>\n<ul class=\"notes\">\n");
            notes.forEach(n -> h.append("<li>").append(esc(n)).append("</li>\n"));
            h.append("</ul>\n");
        }
        if (!plots.isEmpty()) {
            h.append("<h2>Curves</h2>\n<div class=\"plots\">\n");
            for (String p : plots) {
                h.append("<a href=\"").append(href(p)).append("\"><img src=\"").append(href(p)).append("\" alt=\"")
                        .append(esc(p)).append("\"></a>\n");
            }
            h.append("</div>\n");
        }
        h.append("<h2>Thresholds</h2>\n<p>").append(esc(ReportText.thresholds(r))).append("</p>\n");
        h.append("<h2>Test images</h2>\n<p class=\"def\">Left: the image with its ground-truth contour (white). Right: the "
                + "anomaly map as a jet heat overlay, ground truth in white and the predicted mask in magenta.</p>\n");
        Map<String, List<ImageResult>> byDefect = new LinkedHashMap<>();
        r.images().forEach(i -> byDefect.computeIfAbsent(i.defect(), k -> new ArrayList<>()).add(i));
        for (Map.Entry<String, List<ImageResult>> e : byDefect.entrySet()) {
            h.append("<h3 id=\"").append(esc(e.getKey())).append("\">").append(esc(e.getKey())).append(" (")
                    .append(e.getValue().size()).append(")</h3>\n<div class=\"grid\">\n");
            for (ImageResult i : e.getValue()) {
                figure(h, i, calibration);
            }
            h.append("</div>\n");
        }
        h.append("<p class=\"meta\">Also in this folder: <a href=\"metrics.json\">metrics.json</a>, "
                + "<a href=\"report.md\">report.md</a>.</p>\n</body>\n</html>\n");
        Files.writeString(file, h, StandardCharsets.UTF_8);
    }

    private static void row(StringBuilder h, String name, MetricSet m, boolean overall) {
        h.append(overall ? "<tr class=\"overall\">" : "<tr>").append("<td>").append(esc(name)).append("</td><td class=\"n\">")
                .append(m.anomalousImages()).append("</td>");
        for (Double v : new Double[] {m.imageAuroc(), m.pixelAuroc(), m.auPro()}) {
            h.append(v == null ? "<td class=\"n na\">" : "<td class=\"n\">").append(ReportText.metric(v)).append("</td>");
        }
        h.append("</tr>\n");
    }

    private static void figure(StringBuilder h, ImageResult i, Optional<AnomalyCalibration> calibration) {
        String src = href(ReportText.overlayPath(i));
        h.append("<figure><a href=\"").append(src).append("\"><img loading=\"lazy\" src=\"").append(src).append("\" alt=\"")
                .append(esc(i.key())).append("\"></a><figcaption>").append(esc(i.name())).append(" &middot; score ")
                .append(ReportText.score(i.score()));
        if (calibration.isPresent()) {
            boolean says = calibration.get().isAnomalous(i.score());
            boolean right = says == i.anomalous();
            h.append(" &middot; ").append(says ? "anomalous" : "normal").append(" <span class=\"")
                    .append(right ? "ok\">\u2713" : "wrong\">\u2717 wrong").append("</span>");
        }
        if (!i.inPixelMetrics() && i.anomalous()) {
            h.append(" &middot; no mask");
        }
        h.append("</figcaption></figure>\n");
    }

    /** Percent-encodes a relative path for an attribute, keeping it relative. */
    static String href(String relative) {
        try {
            return esc(new URI(null, null, relative, null).toASCIIString());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(relative + ": not a valid relative path", e);
        }
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
