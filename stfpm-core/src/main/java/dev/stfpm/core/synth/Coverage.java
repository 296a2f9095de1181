package dev.stfpm.core.synth;

/**
 * How much of each pixel a defect covers, from 0 (untouched) to 1, built up shape by shape (where
 * shapes overlap the larger coverage wins). Edges are anti-aliased over about one pixel. Coordinates
 * and lengths here are in pixels of the image being drawn.
 *
 * <p>{@link #dropBelow(double)} then zeroes faint coverage, so that the pixels a defect changes are
 * exactly those with positive coverage: the defect's mask.
 */
final class Coverage {

    final int size;
    final float[] weight;

    Coverage(int size) {
        this.size = size;
        this.weight = new float[size * size];
    }

    /** Adds a straight stroke of the given width with round ends. */
    void segment(double x0, double y0, double x1, double y1, double width) {
        double reach = width / 2 + 1;
        int left = clampIndex(Math.floor(Math.min(x0, x1) - reach));
        int right = clampIndex(Math.ceil(Math.max(x0, x1) + reach));
        int top = clampIndex(Math.floor(Math.min(y0, y1) - reach));
        int bottom = clampIndex(Math.ceil(Math.max(y0, y1) + reach));
        double dx = x1 - x0;
        double dy = y1 - y0;
        double lengthSquared = dx * dx + dy * dy;
        for (int py = top; py <= bottom; py++) {
            double y = py + 0.5;
            for (int px = left; px <= right; px++) {
                double x = px + 0.5;
                double t = lengthSquared == 0 ? 0 : ((x - x0) * dx + (y - y0) * dy) / lengthSquared;
                t = Math.min(1, Math.max(0, t));
                double distance = Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy));
                add(py * size + px, width / 2 + 0.5 - distance);
            }
        }
    }

    /** Adds a polyline of strokes through the given points. */
    void polyline(double[] xs, double[] ys, double width) {
        for (int k = 1; k < xs.length; k++) {
            segment(xs[k - 1], ys[k - 1], xs[k], ys[k], width);
        }
    }

    /**
     * Adds an ellipse with a soft edge: full coverage inside {@code 1 - softness} of its radii,
     * fading smoothly to none at its rim.
     *
     * @param angle    rotation of the first radius, radians
     * @param softness the fading share of the radius, in (0, 1]
     */
    void ellipse(double cx, double cy, double radiusX, double radiusY, double angle, double softness) {
        double reach = Math.max(radiusX, radiusY) + 1;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        for (int py = clampIndex(Math.floor(cy - reach)); py <= clampIndex(Math.ceil(cy + reach)); py++) {
            double y = py + 0.5 - cy;
            for (int px = clampIndex(Math.floor(cx - reach)); px <= clampIndex(Math.ceil(cx + reach)); px++) {
                double x = px + 0.5 - cx;
                double u = (cos * x + sin * y) / radiusX;
                double v = (-sin * x + cos * y) / radiusY;
                double rho = Math.sqrt(u * u + v * v);
                double t = Math.min(1, Math.max(0, (1 - rho) / softness));
                add(py * size + px, t * t * (3 - 2 * t));
            }
        }
    }

    /**
     * Adds a blob with an irregular outline: its radius at angle θ is
     * {@code radius · (1 + Σ amplitudes[k] · cos((k + 2)·θ + phases[k]))}.
     */
    void blob(double cx, double cy, double radius, double[] amplitudes, double[] phases) {
        double reach = radius * (1 + sumOfAbs(amplitudes)) + 1;
        for (int py = clampIndex(Math.floor(cy - reach)); py <= clampIndex(Math.ceil(cy + reach)); py++) {
            double y = py + 0.5 - cy;
            for (int px = clampIndex(Math.floor(cx - reach)); px <= clampIndex(Math.ceil(cx + reach)); px++) {
                double x = px + 0.5 - cx;
                add(py * size + px, blobRadius(radius, amplitudes, phases, Math.atan2(y, x)) + 0.5 - Math.hypot(x, y));
            }
        }
    }

    /** @return the blob's outline radius at an angle, as {@link #blob} defines it */
    static double blobRadius(double radius, double[] amplitudes, double[] phases, double angle) {
        double r = 1;
        for (int k = 0; k < amplitudes.length; k++) {
            r += amplitudes[k] * Math.cos((k + 2) * angle + phases[k]);
        }
        return radius * r;
    }

    /** Sets coverage below {@code threshold} to 0. */
    void dropBelow(double threshold) {
        for (int i = 0; i < weight.length; i++) {
            if (weight[i] < threshold) {
                weight[i] = 0;
            }
        }
    }

    private void add(int i, double coverage) {
        float w = (float) Math.min(1, Math.max(0, coverage));
        if (w > weight[i]) {
            weight[i] = w;
        }
    }

    private int clampIndex(double v) {
        return (int) Math.min(size - 1, Math.max(0, v));
    }

    private static double sumOfAbs(double[] values) {
        double s = 0;
        for (double v : values) {
            s += Math.abs(v);
        }
        return s;
    }
}
