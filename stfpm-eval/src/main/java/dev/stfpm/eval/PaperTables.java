package dev.stfpm.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The figures the paper publishes for MVTec AD, for tables that put a run beside them: Wang, Han,
 * Ding, Huang, <i>Student-Teacher Feature Pyramid Matching for Anomaly Detection</i>, BMVC 2021
 * (arXiv 2103.04257), Table 1 (pixel AUROC and PRO per category, and their printed means) and Table 2
 * (image AUROC, given as the mean over the 15 categories only). Read from the class-path resource
 * {@code dev/stfpm/eval/stfpm-tables.json}, a transcription of the tables that also holds Tables 3–5
 * (feature levels, teacher pre-training, training fraction).
 *
 * <p>The paper's PRO is its own computation of the per-region overlap, not this library's AU-PRO up to
 * FPR 0.3: tables label it "PRO (paper's definition)".
 */
public final class PaperTables {

    /** The class-path resource. */
    public static final String RESOURCE = "dev/stfpm/eval/stfpm-tables.json";

    private final JsonNode root;

    private PaperTables(JsonNode root) {
        this.root = root;
    }

    /** @return the tables shipped with the library */
    public static PaperTables load() {
        try (InputStream in = PaperTables.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing class-path resource " + RESOURCE);
            }
            return new PaperTables(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable class-path resource " + RESOURCE, e);
        }
    }

    /** One category's published pixel-level figures (Table 1). */
    public record Category(double pixelAuroc, double pro) {
    }

    /** @return the citation of the tables' source */
    public String source() {
        return root.path("source").asText();
    }

    /**
     * @param category an MVTec AD category name ({@code bottle}, {@code metal_nut}, …)
     * @return its Table 1 figures, empty for a category the paper does not report
     */
    public Optional<Category> category(String category) {
        JsonNode c = root.path("table1_pixel_level").path(category);
        return c.isMissingNode() ? Optional.empty()
                : Optional.of(new Category(c.path("pixel_auroc").asDouble(), c.path("pro").asDouble()));
    }

    /** @return the mean over the 15 categories as printed in Table 1 (pixel AUROC, PRO) */
    public Category printedMean() {
        JsonNode m = root.path("table1_mean_printed");
        return new Category(m.path("pixel_auroc").asDouble(), m.path("pro").asDouble());
    }

    /** @return Table 2's image AUROC, the mean over the 15 categories (the paper gives no per-category figure) */
    public double imageAurocMean() {
        return root.path("table2_image_auroc_mean").asDouble();
    }

    /** Mean figures over the 15 categories, as the ablation tables (3 to 5) give them. */
    public record Means(double imageAuroc, double pixelAuroc, double pro) {
    }

    /**
     * Table 3, the feature levels (ResNet-18 blocks 2 to 5 are torchvision's {@code layer1} to {@code layer4}).
     *
     * @param levels pyramid levels, {@code layer1} …
     * @return the paper's means for that combination, empty where the paper did not train it
     */
    public Optional<Means> featureLevels(java.util.List<String> levels) {
        String key = levels.stream().map(l -> Integer.toString(Integer.parseInt(l.substring("layer".length())) + 1))
                .collect(java.util.stream.Collectors.joining(","));
        return means(root.path("table3_feature_levels").path(key));
    }

    /**
     * Table 5, the share of training images (and, for all of them, the main result of Tables 1 and 2).
     *
     * @param fraction the share, e.g. 0.05
     * @return the paper's means, empty for a share it did not train
     */
    public Optional<Means> trainFraction(double fraction) {
        if (fraction == 1) {
            return Optional.of(new Means(imageAurocMean(), printedMean().pixelAuroc(), printedMean().pro()));
        }
        return means(root.path("table5_training_fraction").path(String.format(java.util.Locale.ROOT, "%.2f", fraction)));
    }

    private static Optional<Means> means(JsonNode m) {
        return m.isMissingNode() ? Optional.empty() : Optional.of(new Means(m.path("image_auroc").asDouble(),
                m.path("pixel_auroc").asDouble(), m.path("pro").asDouble()));
    }
}
