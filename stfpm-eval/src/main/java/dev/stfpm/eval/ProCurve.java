package dev.stfpm.eval;

import java.util.Arrays;

/**
 * A per-region overlap (PRO) curve as MVTec AD defines it (Bergmann et al., IJCV 2021, and the
 * data set's evaluation code): the regions are the 8-connected components of every ground-truth
 * mask ({@link ConnectedRegions}); at a threshold t, the false positive rate is the share of all
 * defect-free pixels (of every image) scoring &ge; t, and PRO is the mean over all regions of the
 * share of the region's pixels scoring &ge; t. The exact curve has one point per distinct score,
 * padded with (0, 0) before and (1, 1) after.
 *
 * <p>{@link PixelMetrics} computes AU-PRO on the exact curve and may keep a thinned copy here for
 * plotting; {@link #auPro(double)} on a thinned curve is then an approximation.
 *
 * @param fpr false positive rates, non-decreasing, from 0 to 1
 * @param pro per-region overlaps, non-decreasing, from 0 to 1
 */
public record ProCurve(double[] fpr, double[] pro) {

    /** Checks the arrays and copies them. */
    public ProCurve {
        if (fpr.length != pro.length) {
            throw new IllegalArgumentException("fpr has " + fpr.length + " points, pro " + pro.length);
        }
        fpr = fpr.clone();
        pro = pro.clone();
    }

    /** @return a copy of the false positive rates */
    @Override
    public double[] fpr() {
        return fpr.clone();
    }

    /** @return a copy of the per-region overlaps */
    @Override
    public double[] pro() {
        return pro.clone();
    }

    /**
     * The normalised area under this curve: MVTec AD's trapezoid rule up to the integration limit
     * (interpolating the curve linearly at the limit when the limit is not a point) divided by the
     * limit.
     *
     * @param limit the integration limit, in (0, 1]
     * @return the area up to {@code limit} divided by {@code limit}
     */
    public double auPro(double limit) {
        checkLimit(limit);
        LimitedTrapezoid area = new LimitedTrapezoid(limit);
        for (int i = 0; i < fpr.length; i++) {
            area.add(fpr[i], pro[i]);
        }
        // AU-PRO = integral of PRO over FPR in [0, limit], divided by limit (MVTec AD evaluate_experiment.py)
        return area.area() / limit;
    }

    /**
     * @param limit an integration limit
     * @throws IllegalArgumentException unless it lies in (0, 1]
     */
    static void checkLimit(double limit) {
        if (!(limit > 0 && limit <= 1)) {
            throw new IllegalArgumentException("the PRO integration limit must lie in (0, 1], got " + limit);
        }
    }

    /**
     * @param limit an FPR limit in (0, 1]
     * @return the curve's points with FPR &le; limit, ending with the curve interpolated at the limit
     */
    public ProCurve upTo(double limit) {
        checkLimit(limit);
        int k = 0;
        while (k < fpr.length && fpr[k] <= limit) {
            k++;
        }
        if (k == fpr.length || k > 0 && fpr[k - 1] == limit) {
            return new ProCurve(Arrays.copyOf(fpr, k), Arrays.copyOf(pro, k));
        }
        double[] x = Arrays.copyOf(fpr, k + 1);
        double[] y = Arrays.copyOf(pro, k + 1);
        x[k] = limit;
        y[k] = k == 0 ? pro[0] : pro[k - 1] + (pro[k] - pro[k - 1]) * (limit - fpr[k - 1]) / (fpr[k] - fpr[k - 1]);
        return new ProCurve(x, y);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProCurve p && Arrays.equals(fpr, p.fpr) && Arrays.equals(pro, p.pro);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(fpr) + Arrays.hashCode(pro);
    }

    @Override
    public String toString() {
        return "ProCurve[" + fpr.length + " points]";
    }
}
