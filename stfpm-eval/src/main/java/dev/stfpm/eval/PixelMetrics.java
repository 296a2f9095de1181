package dev.stfpm.eval;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pixel-level metrics of a {@link PixelSet} (or of some of its groups): pixel ROC AUC pooled over
 * every pixel, AU-PRO as MVTec AD defines it ({@link ProCurve}), and the F1-optimal pixel threshold.
 *
 * <p>All three come from one descending sweep over the set's sorted packed keys, with one curve
 * point per distinct score, so ties are exact. The set is sorted once (in place, 8 bytes per pixel
 * in total, see {@link PixelSet}); each call then costs one linear pass and no further memory
 * beyond the (thinned) curves. For 65 M pixels (1,000 maps of 256&times;256, nearly all scores
 * distinct) the whole path &mdash; labelling, packing, sorting, sweeping &mdash; took 4&ndash;5 s and a
 * further sweep 0.7 s on two shared cores with a 3 GB heap; {@code PixelMetricsBenchmark} in
 * stfpm-bench measures it.
 *
 * @param auroc           pixel ROC AUC, or {@code null} if undefined (reason in {@code notes})
 * @param auPro           normalised area under the PRO curve up to {@code proLimit}, or {@code null}
 * @param proLimit        the FPR integration limit of {@code auPro}
 * @param roc             the pixel ROC curve (thinned for plotting unless exact curves were asked for)
 * @param pro             the PRO curve (thinned likewise)
 * @param threshold       the F1-optimal pixel threshold
 * @param normalPixels    defect-free pixels evaluated
 * @param anomalousPixels defect pixels evaluated
 * @param regions         ground-truth regions evaluated
 * @param notes           why a metric is undefined, keyed {@code pixel_auroc} / {@code au_pro}
 */
public record PixelMetrics(Double auroc, Double auPro, double proLimit, Optional<RocCurve> roc, Optional<ProCurve> pro,
                           Optional<AdaptiveThreshold> threshold, long normalPixels, long anomalousPixels, int regions,
                           Map<String, String> notes) {

    /** ROC points closer than this (in both rates) to the last kept point are dropped from the plot curve. */
    public static final double PLOT_STEP = 1.0 / 2000;

    /** Copies the notes. */
    public PixelMetrics {
        notes = Collections.unmodifiableMap(new LinkedHashMap<>(notes));
    }

    /**
     * @param proLimit the FPR integration limit
     * @param reason   why there are no pixel metrics
     * @return undefined pixel metrics, with {@code reason} as the note of both
     */
    public static PixelMetrics undefined(double proLimit, String reason) {
        return none(proLimit, "undefined: " + reason);
    }

    /**
     * @param proLimit the FPR integration limit
     * @param reason   which ground truth is missing
     * @return pixel metrics not available for want of ground truth, with {@code reason} as the note of both
     */
    public static PixelMetrics unavailable(double proLimit, String reason) {
        return none(proLimit, "not available: " + reason);
    }

    private static PixelMetrics none(double proLimit, String note) {
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("pixel_auroc", note);
        notes.put("au_pro", note);
        return new PixelMetrics(null, null, proLimit, Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, 0, notes);
    }

    /**
     * Computes the metrics over some groups of a pixel set, keeping thinned curves for plotting.
     *
     * @param set      the pixels; sorted in place on first use
     * @param groups   the groups to include, or {@code null} for all
     * @param proLimit the FPR integration limit of AU-PRO, in (0, 1]
     * @return the metrics
     */
    public static PixelMetrics compute(PixelSet set, Collection<String> groups, double proLimit) {
        return compute(set, groups, proLimit, false);
    }

    /**
     * Computes the metrics over some groups of a pixel set.
     *
     * @param set         the pixels; sorted in place on first use
     * @param groups      the groups to include, or {@code null} for all
     * @param proLimit    the FPR integration limit of AU-PRO, in (0, 1]
     * @param exactCurves keep every curve point (memory grows with the number of distinct scores)
     *                    instead of a thinned copy for plotting
     * @return the metrics
     */
    public static PixelMetrics compute(PixelSet set, Collection<String> groups, double proLimit, boolean exactCurves) {
        ProCurve.checkLimit(proLimit);
        boolean[] include = new boolean[set.groups().size()];
        for (int g = 0; g < include.length; g++) {
            include[g] = groups == null || groups.contains(set.groups().get(g));
        }
        int classes = set.classCount();
        int[] classGroup = set.classGroup();
        double[] inv = set.classInvSize();
        long[] classPixels = set.classPixels();
        long normal = 0;
        long anomalous = 0;
        int regions = 0;
        for (int c = 0; c < classes; c++) {
            if (!include[classGroup[c]]) {
                continue;
            }
            if (inv[c] > 0) {
                anomalous += classPixels[c];
                regions++;
            } else {
                normal += classPixels[c];
            }
        }
        Map<String, String> notes = new LinkedHashMap<>();
        if (anomalous == 0 || normal == 0) {
            String why = anomalous == 0
                    ? "no anomalous pixels: no ground-truth region among the evaluated images"
                    : "no defect-free pixels among the evaluated images";
            notes.put("pixel_auroc", "undefined: " + why);
            notes.put("au_pro", "undefined: " + why);
            return new PixelMetrics(null, null, proLimit, Optional.empty(), Optional.empty(), Optional.empty(),
                    normal, anomalous, regions, notes);
        }
        set.sort();
        return sweep(set, include, proLimit, exactCurves, normal, anomalous, regions);
    }

    private static PixelMetrics sweep(PixelSet set, boolean[] include, double proLimit, boolean exact,
                                      long n, long p, int regions) {
        long[] keys = set.keys();
        int[] classGroup = set.classGroup();
        double[] inv = set.classInvSize();
        CurveBuilder roc = exact ? new CurveBuilder(0, 0) : new CurveBuilder(PLOT_STEP, PLOT_STEP);
        CurveBuilder pro = exact ? new CurveBuilder(0, 0) : new CurveBuilder(proLimit / 1000, 1.0 / 1000);
        LimitedTrapezoid auPro = new LimitedTrapezoid(proLimit);
        AdaptiveThreshold.Tracker f1 = new AdaptiveThreshold.Tracker(p);
        roc.add(0, 0);
        pro.add(0, 0);
        auPro.add(0, 0);
        long tp = 0;
        long fp = 0;
        long tpBefore = 0;
        long fpBefore = 0;
        long twiceArea = 0;
        double overlapSum = 0;
        int i = set.size() - 1;
        while (i >= 0) {
            int score = SortableFloat.score(keys[i]);
            boolean any = false;
            do {
                int cls = SortableFloat.payload(keys[i]);
                if (include[classGroup[cls]]) {
                    any = true;
                    double w = inv[cls];
                    if (w > 0) {
                        tp++;
                        // PRO: each region pixel at or above t adds 1/|region| to its region's overlap
                        overlapSum += w;
                    } else {
                        fp++;
                    }
                }
                i--;
            } while (i >= 0 && SortableFloat.score(keys[i]) == score);
            if (!any) {
                continue;
            }
            // ROC trapezoid in units of 1/(2PN)
            twiceArea += (fp - fpBefore) * (tp + tpBefore);
            tpBefore = tp;
            fpBefore = fp;
            double fpr = (double) fp / n;
            // PRO(t) = mean over regions of |region ∩ {s >= t}| / |region|, clipped at 1 like MVTec AD
            double overlap = Math.min(1.0, overlapSum / regions);
            roc.add(fpr, (double) tp / p);
            pro.add(fpr, overlap);
            auPro.add(fpr, overlap);
            f1.offer(SortableFloat.fromSortable(score), tp, fp);
        }
        // MVTec AD pads the PRO curve with (1, 1)
        pro.add(1, 1);
        auPro.add(1, 1);
        double auroc = twiceArea / (2.0 * p * n);
        return new PixelMetrics(auroc, auPro.area() / proLimit, proLimit,
                Optional.of(new RocCurve(roc.xs(), roc.ys(), auroc)), Optional.of(new ProCurve(pro.xs(), pro.ys())),
                Optional.of(f1.best()), n, p, regions, Map.of());
    }
}
