package dev.stfpm.eval;

import dev.stfpm.core.data.Dataset;
import dev.stfpm.core.data.MvtecCategory;
import dev.stfpm.core.data.TestImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates any method's anomaly maps on a data set in the MVTec AD layout, as MVTec AD's own
 * evaluation script does.
 *
 * <p>For each test image {@code test/<defect>/<name>.<ext>} it reads the map {@code
 * <maps>/test/<defect>/<name>.npy} (float32 H&times;W; a float32 {@code .tiff}/{@code .tif} also
 * works) and the mask {@code ground_truth/<defect>/<name>_mask.png}, resized to the map's size by
 * nearest neighbour. Good images have no mask (all pixels defect-free). A defect image without a
 * mask is left out of the pixel metrics with a warning; if no image has a mask, the pixel metrics are
 * not available ({@code null}, with a note). Data sets in other layouts ({@link Dataset}) name their
 * own images and masks; their maps are found the same way, by {@link TestImage#mapPath}. Images
 * without ground truth ({@linkplain TestImage#labelled() unlabelled}) get scores but take no part in
 * the metrics, which are not available when no image is labelled.
 *
 * <p>Metrics: image ROC AUC (score = maximum of the map unless scores are given), pixel ROC AUC
 * pooled over every evaluated pixel, and AU-PRO up to the given FPR limit ({@link PixelMetrics}),
 * overall and per defect type ({@link EvaluationResult#perDefect()}); the F1-optimal image and pixel
 * thresholds and the pixel score range for {@link CalibrationFitter}.
 *
 * <p><b>Memory.</b> Maps are read in batches of {@value #BATCH} (in parallel) and not kept: the pixel
 * metrics hold 8 bytes per evaluated pixel ({@link PixelSet}), so 1,000 maps of 256&times;256 need
 * about 0.55 GB of heap.
 * All subsets (overall and per defect type) are scored from one sort.
 */
public final class MapEvaluator {

    /** The default FPR integration limit of AU-PRO, as in MVTec AD. */
    public static final double DEFAULT_PRO_LIMIT = 0.3;

    /** Maps read in parallel at a time: bounds the maps held in memory beside the pixel set. */
    private static final int BATCH = 32;

    private static final Logger LOG = LoggerFactory.getLogger(MapEvaluator.class);

    private MapEvaluator() {
    }

    /**
     * Evaluates maps with image scores taken as each map's maximum.
     *
     * @param dataset  a category folder in the MVTec AD layout
     * @param mapsDir  the maps folder, holding {@code test/<defect>/<name>.npy}
     * @param proLimit the FPR integration limit of AU-PRO, in (0, 1] (MVTec AD uses 0.3)
     * @return the result
     * @throws IOException              if a folder, map or mask is missing or unreadable, or a map holds
     *                                  NaN or infinity (the message names the file)
     * @throws IllegalArgumentException if {@code proLimit} is outside (0, 1]
     */
    public static EvaluationResult evaluate(Path dataset, Path mapsDir, double proLimit) throws IOException {
        return evaluate(dataset, mapsDir, proLimit, Map.of());
    }

    /**
     * Evaluates maps with given image scores.
     *
     * @param dataset     a category folder in the MVTec AD layout
     * @param mapsDir     the maps folder, holding {@code test/<defect>/<name>.npy}
     * @param proLimit    the FPR integration limit of AU-PRO, in (0, 1]
     * @param imageScores image scores by {@code <defect>/<name>}; empty to use each map's maximum.
     *                    When not empty, it must hold every test image.
     * @return the result
     * @throws IOException              as {@link #evaluate(Path, Path, double)}, or if a score is missing
     * @throws IllegalArgumentException if {@code proLimit} is outside (0, 1]
     */
    public static EvaluationResult evaluate(Path dataset, Path mapsDir, double proLimit, Map<String, Double> imageScores)
            throws IOException {
        return evaluate(dataset, mapsDir, proLimit, imageScores, (done, total) -> { });
    }

    /**
     * Hears how far an evaluation has got, on the calling thread. The work counts one step per map
     * read and one per metric set computed (overall, then each defect type).
     */
    @FunctionalInterface
    public interface Progress {

        /**
         * @param done  steps done so far
         * @param total steps in all; the same at every call ({@code done == total} at the last)
         */
        void done(int done, int total);
    }

    /**
     * Evaluates maps with given image scores, reporting progress.
     *
     * @param dataset     a category folder in the MVTec AD layout
     * @param mapsDir     the maps folder, holding {@code test/<defect>/<name>.npy}
     * @param proLimit    the FPR integration limit of AU-PRO, in (0, 1]
     * @param imageScores image scores by {@code <defect>/<name>}; empty to use each map's maximum
     * @param progress    told of every batch of maps read and every metric set computed
     * @return the result
     * @throws IOException              as {@link #evaluate(Path, Path, double, Map)}
     * @throws IllegalArgumentException if {@code proLimit} is outside (0, 1]
     */
    public static EvaluationResult evaluate(Path dataset, Path mapsDir, double proLimit, Map<String, Double> imageScores,
                                            Progress progress) throws IOException {
        ProCurve.checkLimit(proLimit);
        return evaluate(MvtecCategory.open(dataset), mapsDir, proLimit, imageScores, progress);
    }

    /**
     * Evaluates maps of a data set in any layout, with given image scores, reporting progress.
     *
     * @param data        the data set, naming its test images and masks
     * @param mapsDir     the maps folder, holding each test image's {@link TestImage#mapPath}
     * @param proLimit    the FPR integration limit of AU-PRO, in (0, 1]
     * @param imageScores image scores by {@code <defect>/<name>}; empty to use each map's maximum
     * @param progress    told of every batch of maps read and every metric set computed
     * @return the result, its data set folder {@link Dataset#root()}
     * @throws IOException              as {@link #evaluate(Path, Path, double, Map)}
     * @throws IllegalArgumentException if {@code proLimit} is outside (0, 1]
     */
    public static EvaluationResult evaluate(Dataset data, Path mapsDir, double proLimit, Map<String, Double> imageScores,
                                            Progress progress) throws IOException {
        ProCurve.checkLimit(proLimit);
        long t0 = System.nanoTime();
        List<TestImage> tests = data.testImages();
        Path dataset = data.root();
        if (!Files.isDirectory(mapsDir)) {
            throw new IOException(mapsDir + ": no such folder of anomaly maps (expected test/<defect>/<name>.npy)");
        }
        boolean anyMask = tests.stream().anyMatch(t -> t.mask().isPresent());
        int steps = tests.size() + 1 + (int) tests.stream().filter(t -> t.labelled() && !t.isGood()).map(TestImage::defect).distinct().count();
        List<String> unmasked = new ArrayList<>();
        List<ImageResult> images = new ArrayList<>(tests.size());
        PixelSet pixels = null;
        ScoreRange range = ScoreRange.EMPTY;
        for (int start = 0; start < tests.size(); start += BATCH) {
            List<TestImage> batch = tests.subList(start, Math.min(tests.size(), start + BATCH));
            List<Loaded> loaded = load(batch, mapsDir);
            for (int j = 0; j < batch.size(); j++) {
                TestImage t = batch.get(j);
                Loaded l = loaded.get(j);
                MapFiles.LoadedMap map = l.map();
                String key = t.defect() + "/" + t.name();
                double score = imageScores.isEmpty() ? map.range().max() : given(imageScores, key);
                boolean inPixels = anyMask && (t.isGood() || l.mask() != null);
                if (t.labelled() && !t.isGood() && l.mask() == null && anyMask) {
                    LOG.warn("{}: defect image without a ground-truth mask; left out of the pixel metrics", t.image());
                    unmasked.add(key);
                }
                if (inPixels) {
                    if (pixels == null) {
                        long remaining = tests.size() - start - j;
                        try {
                            pixels = new PixelSet(map.data().length * remaining);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException(mapsDir + ": " + remaining + " maps of " + map.width()
                                    + "x" + map.height() + ": " + e.getMessage(), e);
                        }
                    }
                    try {
                        pixels.add(l.file().toString(), map.data(), l.mask(), map.width(), map.height(), t.defect());
                    } catch (IllegalArgumentException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                }
                range = range.union(map.range());
                images.add(new ImageResult(t.defect(), t.name(), t.image(), l.file(), t.mask(), score, map.width(),
                        map.height(), inPixels, t.labelled()));
            }
            progress.done(images.size(), steps);
        }
        Set<String> defects = new TreeSet<>();
        images.stream().filter(ImageResult::anomalous).forEach(i -> defects.add(i.defect()));
        List<ImageResult> labelled = images.stream().filter(ImageResult::labelled).toList();
        MetricSet overall = labelled.isEmpty() ? unavailable(proLimit)
                : metrics(labelled, null, pixels, proLimit, withoutPixels(data, defects, proLimit), unmasked);
        int done = images.size() + 1;
        progress.done(done, steps);
        Map<String, MetricSet> perDefect = new LinkedHashMap<>();
        for (String d : defects) {
            List<String> missing = unmasked.stream().filter(u -> u.startsWith(d + "/")).toList();
            boolean hasMasks = images.stream().anyMatch(i -> i.defect().equals(d) && i.inPixelMetrics());
            perDefect.put(d, metrics(labelled, d, hasMasks ? pixels : null, proLimit, pixels == null
                    ? withoutPixels(data, defects, proLimit)
                    : PixelMetrics.unavailable(proLimit, "no ground-truth masks for defect type " + d), missing));
            progress.done(++done, steps);
        }
        Optional<AdaptiveThreshold> imageThreshold = AdaptiveThreshold.f1Optimal(scores(labelled), labels(labelled));
        LOG.info("evaluated {} maps ({} pixels in the pixel metrics) in {} ms", images.size(),
                pixels == null ? 0 : pixels.size(), (System.nanoTime() - t0) / 1_000_000);
        String scoreSource = imageScores.isEmpty() ? EvaluationResult.MAX_OF_MAP : "given";
        return new EvaluationResult(dataset, mapsDir, scoreSource, proLimit, overall, perDefect, images, imageThreshold,
                range.min(), range.max());
    }

    /**
     * Reads image scores from a CSV file with a header and rows {@code image,score}, where {@code
     * image} is {@code <defect>/<name>} or a path ending in {@code <defect>/<name>.<ext>} (the
     * {@code scores.csv} that {@code stfpm predict} writes for a test folder works as is).
     *
     * @param csv the file
     * @return scores by {@code <defect>/<name>}
     * @throws IOException if it cannot be read or a row is malformed (the message names the line)
     */
    public static Map<String, Double> readImageScores(Path csv) throws IOException {
        Map<String, Double> scores = new HashMap<>();
        if (!Files.isRegularFile(csv)) {
            throw new IOException(csv + ": no such image scores file");
        }
        try (BufferedReader in = Files.newBufferedReader(csv)) {
            String line;
            int no = 0;
            while ((line = in.readLine()) != null) {
                no++;
                if (line.isBlank() || no == 1 && !line.matches(".*,\\s*[-+0-9.eE]+\\s*$")) {
                    continue;
                }
                int comma = line.lastIndexOf(',');
                if (comma < 0) {
                    throw new IOException(csv + ":" + no + ": expected 'image,score', found '" + line + "'");
                }
                String image = line.substring(0, comma).trim().replace('\\', '/');
                if (image.startsWith("\"") && image.endsWith("\"") && image.length() >= 2) {
                    image = image.substring(1, image.length() - 1).replace("\"\"", "\"");
                }
                double score;
                try {
                    score = Double.parseDouble(line.substring(comma + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IOException(csv + ":" + no + ": not a number: '" + line.substring(comma + 1).trim() + "'");
                }
                if (!Double.isFinite(score)) {
                    throw new IOException(csv + ":" + no + ": score is " + score + " (scores must be finite)");
                }
                scores.put(scoreKey(image), score);
            }
        }
        if (scores.isEmpty()) {
            throw new IOException(csv + ": no scores (expected a header and rows 'image,score')");
        }
        return scores;
    }

    private static String scoreKey(String image) {
        String[] parts = image.split("/");
        String name = parts[parts.length - 1];
        int dot = name.lastIndexOf('.');
        name = dot > 0 ? name.substring(0, dot) : name;
        return parts.length >= 2 ? parts[parts.length - 2] + "/" + name : name;
    }

    /** Reads a batch's maps and masks in parallel, in order. */
    private static List<Loaded> load(List<TestImage> batch, Path mapsDir) throws IOException {
        try {
            return batch.parallelStream().map(t -> {
                try {
                    Path file = MapFiles.find(mapsDir, t);
                    MapFiles.LoadedMap map = MapFiles.read(file);
                    boolean[] mask = t.isGood() || t.mask().isEmpty() ? null
                            : MapFiles.readMask(t.mask().get(), map.width(), map.height());
                    return new Loaded(file, map, mask);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** A test image's map file, map and resized mask ({@code null} if none). */
    private record Loaded(Path file, MapFiles.LoadedMap map, boolean[] mask) {
    }

    /** @return the pixel metrics of a labelled test set without a pixel in them, with the reason */
    private static PixelMetrics withoutPixels(Dataset data, Set<String> defects, double proLimit) {
        return defects.isEmpty() ? PixelMetrics.undefined(proLimit, "the test set holds only good images")
                : PixelMetrics.unavailable(proLimit, "no ground-truth masks" + (data instanceof MvtecCategory c
                        ? " under " + c.root().resolve("ground_truth") : ""));
    }

    /** @return the metrics of a test set without ground truth: none, each with the reason */
    private static MetricSet unavailable(double proLimit) {
        String reason = "no ground truth (the test images are unlabelled)";
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("image_auroc", "not available: " + reason);
        PixelMetrics pixel = PixelMetrics.unavailable(proLimit, reason);
        notes.putAll(pixel.notes());
        return new MetricSet(0, 0, null, Optional.empty(), pixel, notes);
    }

    private static double given(Map<String, Double> scores, String key) throws IOException {
        Double s = scores.get(key);
        if (s == null) {
            throw new IOException("no image score given for test image " + key);
        }
        if (!Double.isFinite(s)) {
            throw new IOException("image score of " + key + " is " + s + " (scores must be finite)");
        }
        return s;
    }

    /**
     * The metrics of all images ({@code defect == null}) or of one defect type with the good images.
     */
    private static MetricSet metrics(List<ImageResult> all, String defect, PixelSet pixels, double proLimit,
                                     PixelMetrics noPixels, List<String> unmasked) {
        List<ImageResult> subset = all.stream()
                .filter(i -> defect == null || !i.anomalous() || i.defect().equals(defect)).toList();
        int anomalous = (int) subset.stream().filter(ImageResult::anomalous).count();
        int normal = subset.size() - anomalous;
        Map<String, String> notes = new LinkedHashMap<>();
        Double imageAuroc = null;
        Optional<RocCurve> imageRoc = Optional.empty();
        if (anomalous == 0 || normal == 0) {
            notes.put("image_auroc", "undefined: " + (anomalous == 0
                    ? "no anomalous test images (the test set holds only good images)"
                    : "no good (defect-free) test images to compare with"));
        } else {
            RocCurve roc = RocCurve.of(scores(subset), labels(subset));
            imageAuroc = roc.auc();
            imageRoc = Optional.of(roc);
        }
        PixelMetrics pixel = pixels == null ? noPixels
                : PixelMetrics.compute(pixels, defect == null ? null : List.of(MvtecCategory.GOOD, defect), proLimit);
        notes.putAll(pixel.notes());
        if (!unmasked.isEmpty()) {
            notes.put("masks", unmasked.size() + " defect image(s) without a ground-truth mask left out of the pixel "
                    + "metrics: " + String.join(", ", unmasked.subList(0, Math.min(10, unmasked.size())))
                    + (unmasked.size() > 10 ? ", ..." : ""));
        }
        return new MetricSet(normal, anomalous, imageAuroc, imageRoc, pixel, notes);
    }

    private static double[] scores(List<ImageResult> images) {
        return images.stream().mapToDouble(ImageResult::score).toArray();
    }

    private static boolean[] labels(List<ImageResult> images) {
        boolean[] l = new boolean[images.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = images.get(i).anomalous();
        }
        return l;
    }
}
