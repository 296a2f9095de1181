package dev.stfpm.eval.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stfpm.eval.PaperTables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An ablation study in the paper's form (its Tables 3 and 5): one row per variant (feature levels,
 * or share of training images) with the mean image AUROC, pixel AUROC and AU-PRO over the suite's
 * categories, and the paper's means beside them. Written as {@code ablation.json} and {@code ablation.md}.
 */
public final class AblationReport {

    /**
     * One variant's result.
     *
     * @param variant what was varied, in words ({@code layer1,layer2}, {@code 5 %})
     * @param folder  its suite's folder, relative to the study's
     * @param rows    its categories
     * @param paper   the paper's means for it, if the paper trained it
     */
    public record Variant(String variant, String folder, List<BenchmarkRow> rows, Optional<PaperTables.Means> paper) {
    }

    private final String study;
    private final List<Variant> variants;
    private final double proLimit;

    /**
     * @param study    what was studied, in words
     * @param variants the variants, in order
     * @param proLimit the FPR limit of the AU-PRO column
     */
    public AblationReport(String study, List<Variant> variants, double proLimit) {
        this.study = study;
        this.variants = List.copyOf(variants);
        this.proLimit = proLimit;
    }

    private static Double mean(List<BenchmarkRow> rows, java.util.function.Function<BenchmarkRow, Double> column) {
        List<Double> v = rows.stream().map(column).filter(x -> x != null).toList();
        return v.isEmpty() ? null : v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    /**
     * Writes {@code ablation.json} and {@code ablation.md}.
     *
     * @param out the study's folder
     * @throws IOException if a file cannot be written
     */
    public void write(Path out) throws IOException {
        ObjectNode root = Json.object();
        root.put("study", study);
        root.put("pro_limit", proLimit);
        ArrayNode rows = root.putArray("variants");
        StringBuilder md = new StringBuilder("# Ablation\n\n").append(study).append("\n\n")
                .append("| variant | categories | image AUROC | pixel AUROC | AU-PRO (FPR ≤ ").append(proLimit)
                .append(") | paper: image AUROC | paper: pixel AUROC | paper: PRO (paper's definition) | tables |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Variant v : variants) {
            Double image = mean(v.rows(), r -> r.imageAuroc());
            Double pixel = mean(v.rows(), BenchmarkRow::pixelAuroc);
            Double pro = mean(v.rows(), BenchmarkRow::auPro);
            ObjectNode row = rows.addObject();
            row.put("variant", v.variant());
            row.put("categories", v.rows().size());
            row.put("image_auroc", image);
            row.put("pixel_auroc", pixel);
            row.put("au_pro", pro);
            v.paper().ifPresent(p -> {
                ObjectNode pn = row.putObject("paper");
                pn.put("image_auroc", p.imageAuroc());
                pn.put("pixel_auroc", p.pixelAuroc());
                pn.put("pro_papers_definition", p.pro());
            });
            md.append("| ").append(v.variant()).append(" | ").append(v.rows().size()).append(" | ").append(metric(image))
                    .append(" | ").append(metric(pixel)).append(" | ").append(metric(pro)).append(" | ")
                    .append(v.paper().map(p -> metric(p.imageAuroc()) + " | " + metric(p.pixelAuroc()) + " | " + metric(p.pro()))
                            .orElse("— | — | —"))
                    .append(" | [benchmark](").append(v.folder()).append("/benchmark.md) |\n");
        }
        md.append("\nThe paper's figures are its means over the 15 MVTec AD categories (Tables 1–3 and 5 of Wang et al., "
                + "BMVC 2021); its PRO is its own computation, not this table's AU-PRO. — where the paper did not train "
                + "the variant.\n");
        Files.createDirectories(out);
        Json.write(root, out.resolve("ablation.json"));
        Files.writeString(out.resolve("ablation.md"), md.toString(), StandardCharsets.UTF_8);
    }

    private static String metric(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.4f", v);
    }
}
