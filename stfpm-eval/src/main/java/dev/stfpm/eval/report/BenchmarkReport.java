package dev.stfpm.eval.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stfpm.eval.PaperTables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * A benchmark suite's table: per category image AUROC, pixel AUROC, AU-PRO, training time, inference
 * time and peak memory, their mean, and beside them the paper's published figures where the category
 * is an MVTec AD one ({@link PaperTables}). Written as {@code benchmark.json}, {@code benchmark.md} and
 * {@code benchmark.html}; each row links to its category's own report.
 */
public final class BenchmarkReport {

    /** The file names written into the suite's output folder. */
    public static final List<String> FILES = List.of("benchmark.json", "benchmark.md", "benchmark.html");

    private final String suite;
    private final List<BenchmarkRow> rows;
    private final double proLimit;
    private final PaperTables paper;

    /**
     * @param suite    what was benchmarked, in words (the root folder and the options)
     * @param rows     one row per category, in suite order
     * @param proLimit the FPR limit of the AU-PRO column
     * @param paper    the published figures
     */
    public BenchmarkReport(String suite, List<BenchmarkRow> rows, double proLimit, PaperTables paper) {
        this.suite = suite;
        this.rows = List.copyOf(rows);
        this.proLimit = proLimit;
        this.paper = paper;
    }

    /**
     * Writes the three files.
     *
     * @param out the suite's output folder
     * @throws IOException if a file cannot be written
     */
    public void write(Path out) throws IOException {
        Files.createDirectories(out);
        Json.write(json(), out.resolve(FILES.get(0)));
        Files.writeString(out.resolve(FILES.get(1)), markdown(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve(FILES.get(2)), html(), StandardCharsets.UTF_8);
    }

    /** The mean of a column over the rows that have it, or empty if none has. */
    private Optional<Double> mean(Function<BenchmarkRow, Double> column) {
        List<Double> values = rows.stream().map(column).filter(v -> v != null).toList();
        return values.isEmpty() ? Optional.empty()
                : Optional.of(values.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
    }

    /** The paper's mean of a Table 1 column over the suite's categories, if it reports every one of them. */
    private Optional<Double> paperMean(Function<PaperTables.Category, Double> column) {
        List<Optional<PaperTables.Category>> published = rows.stream().map(r -> paper.category(r.category())).toList();
        if (published.isEmpty() || published.stream().anyMatch(Optional::isEmpty)) {
            return Optional.empty();
        }
        return Optional.of(published.stream().mapToDouble(p -> column.apply(p.orElseThrow())).average().orElseThrow());
    }

    ObjectNode json() {
        ObjectNode root = Json.object();
        root.put("suite", suite);
        root.put("pro_limit", proLimit);
        ArrayNode cats = root.putArray("categories");
        for (BenchmarkRow r : rows) {
            ObjectNode c = cats.addObject();
            c.put("category", r.category());
            c.put("image_auroc", r.imageAuroc());
            c.put("pixel_auroc", r.pixelAuroc());
            c.put("au_pro", r.auPro());
            c.put("train_seconds", r.trainSeconds());
            c.put("inference_ms_per_image", r.msPerImage());
            c.put("train_peak_bytes", r.trainPeakBytes());
            c.put("test_peak_bytes", r.testPeakBytes());
            c.put("report", r.report());
            paper.category(r.category()).ifPresent(p -> {
                ObjectNode pc = c.putObject("paper");
                pc.put("pixel_auroc", p.pixelAuroc());
                pc.put("pro_papers_definition", p.pro());
            });
        }
        ObjectNode mean = root.putObject("mean");
        mean.put("image_auroc", mean(r -> r.imageAuroc()).orElse(null));
        mean.put("pixel_auroc", mean(BenchmarkRow::pixelAuroc).orElse(null));
        mean.put("au_pro", mean(BenchmarkRow::auPro).orElse(null));
        ObjectNode p = root.putObject("paper");
        p.put("source", paper.source());
        p.put("image_auroc_mean_of_15", paper.imageAurocMean());
        p.put("pixel_auroc_mean_printed", paper.printedMean().pixelAuroc());
        p.put("pro_mean_printed", paper.printedMean().pro());
        paperMean(PaperTables.Category::pixelAuroc).ifPresent(v -> p.put("pixel_auroc_mean_of_these_categories", v));
        paperMean(PaperTables.Category::pro).ifPresent(v -> p.put("pro_mean_of_these_categories", v));
        return root;
    }

    private List<String> header() {
        return List.of("category", "image AUROC", "pixel AUROC", "AU-PRO (FPR ≤ " + fmt(proLimit) + ")",
                "paper: pixel AUROC", "paper: PRO (paper's definition)", "training", "inference", "peak memory (train / test)");
    }

    /** The table's cells, one list per row, then the mean row. */
    private List<List<String>> cells() {
        List<List<String>> table = new ArrayList<>();
        for (BenchmarkRow r : rows) {
            Optional<PaperTables.Category> p = paper.category(r.category());
            table.add(List.of(r.category(), metric(r.imageAuroc()), metric(r.pixelAuroc()), metric(r.auPro()),
                    p.map(c -> metric(c.pixelAuroc())).orElse("—"), p.map(c -> metric(c.pro())).orElse("—"),
                    duration(r.trainSeconds()), String.format(Locale.ROOT, "%.1f ms/image", r.msPerImage()),
                    memory(r.trainPeakBytes()) + " / " + memory(r.testPeakBytes())));
        }
        table.add(List.of("mean", metric(mean(r -> r.imageAuroc()).orElse(null)), metric(mean(BenchmarkRow::pixelAuroc).orElse(null)),
                metric(mean(BenchmarkRow::auPro).orElse(null)), metric(paperMean(PaperTables.Category::pixelAuroc).orElse(null)),
                metric(paperMean(PaperTables.Category::pro).orElse(null)),
                duration(rows.stream().mapToDouble(BenchmarkRow::trainSeconds).sum()) + " in all", "", ""));
        return table;
    }

    private String footnote() {
        return "Paper: " + paper.source() + ". Its Table 1 gives pixel AUROC and PRO per category (PRO computed its own"
                + " way, not this table's AU-PRO up to FPR " + fmt(proLimit) + "); its printed means over the 15 categories"
                + " are pixel AUROC " + metric(paper.printedMean().pixelAuroc()) + " and PRO "
                + metric(paper.printedMean().pro()) + ", and Table 2 gives image AUROC only as that mean: "
                + metric(paper.imageAurocMean()) + ". The paper's mean row here averages its Table 1 over this suite's"
                + " categories (— where the paper does not report one of them).";
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# Benchmark\n\n").append(suite).append("\n\n");
        md.append("| ").append(String.join(" | ", header())).append(" | report |\n");
        md.append("|---".repeat(header().size() + 1)).append("|\n");
        List<List<String>> cells = cells();
        for (int i = 0; i < cells.size(); i++) {
            boolean meanRow = i == rows.size();
            List<String> row = meanRow ? cells.get(i).stream().map(c -> c.isEmpty() ? c : "**" + c + "**").toList()
                    : cells.get(i);
            String link = meanRow ? "" : "[report](" + rows.get(i).report() + ")";
            md.append("| ").append(String.join(" | ", row)).append(" | ").append(link).append(" |\n");
        }
        return md.append('\n').append(footnote()).append('\n').toString();
    }

    String html() {
        StringBuilder h = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Benchmark</title>
                <style>
                body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}
                table{border-collapse:collapse;background:#fff} th,td{border:1px solid #ccc;padding:6px 10px}
                th{background:#f0f0f0} td{text-align:right} td:first-child{text-align:left}
                tr.mean td{font-weight:bold;background:#f4f4fb} p{max-width:60em;color:#444}
                </style></head><body>
                <h1>Benchmark</h1>
                """);
        h.append("<p>").append(escape(suite)).append("</p>\n<table>\n<tr>");
        for (String col : header()) {
            h.append("<th>").append(escape(col)).append("</th>");
        }
        h.append("<th>report</th></tr>\n");
        List<List<String>> cells = cells();
        for (int i = 0; i < cells.size(); i++) {
            h.append(i == rows.size() ? "<tr class=\"mean\">" : "<tr>");
            for (String cell : cells.get(i)) {
                h.append("<td>").append(escape(cell)).append("</td>");
            }
            h.append("<td>");
            if (i < rows.size()) {
                h.append("<a href=\"").append(escape(rows.get(i).report())).append("\">report</a>");
            }
            h.append("</td></tr>\n");
        }
        return h.append("</table>\n<p>").append(escape(footnote())).append("</p>\n</body></html>\n").toString();
    }

    private static String metric(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%s", v);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60) : s + " s";
    }

    private static String memory(long bytes) {
        return bytes <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
