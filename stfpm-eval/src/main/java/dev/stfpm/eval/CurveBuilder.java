package dev.stfpm.eval;

import java.util.Arrays;

/**
 * Collects the points of a monotone curve, keeping a point only when it moves at least a given
 * step from the last kept one (the first and the last point are always kept). A step of 0 keeps
 * every point. Used to keep curves small enough for plots; metrics are computed on every point.
 */
final class CurveBuilder {

    private final double stepX;
    private final double stepY;
    private double[] x = new double[256];
    private double[] y = new double[256];
    private int n;
    private double pendingX;
    private double pendingY;
    private boolean pending;

    CurveBuilder(double stepX, double stepY) {
        this.stepX = stepX;
        this.stepY = stepY;
    }

    void add(double px, double py) {
        if (n == 0 || Math.abs(px - x[n - 1]) >= stepX || Math.abs(py - y[n - 1]) >= stepY) {
            append(px, py);
            pending = false;
        } else {
            pendingX = px;
            pendingY = py;
            pending = true;
        }
    }

    double[] xs() {
        flush();
        return Arrays.copyOf(x, n);
    }

    double[] ys() {
        flush();
        return Arrays.copyOf(y, n);
    }

    private void flush() {
        if (pending) {
            append(pendingX, pendingY);
            pending = false;
        }
    }

    private void append(double px, double py) {
        if (n == x.length) {
            x = Arrays.copyOf(x, n * 2);
            y = Arrays.copyOf(y, n * 2);
        }
        x[n] = px;
        y[n] = py;
        n++;
    }
}
