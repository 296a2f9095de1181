package dev.stfpm.eval;

/**
 * The trapezoid rule up to an integration limit, fed one curve point at a time in order of
 * non-decreasing x, as MVTec AD's {@code trapezoid(x, y, x_max)} computes it: segments whose end
 * lies at or below the limit count whole; if the limit is not itself a point, the segment crossing
 * it counts up to the limit, with y linearly interpolated there.
 */
final class LimitedTrapezoid {

    private final double limit;
    private double area;
    private double lastX;
    private double lastY;
    private boolean started;
    private boolean done;

    LimitedTrapezoid(double limit) {
        this.limit = limit;
    }

    void add(double x, double y) {
        if (done) {
            return;
        }
        if (!started) {
            started = true;
        } else if (x <= limit) {
            // MVTec AD generic_util.trapezoid: sum of 0.5 * (y[i] + y[i-1]) * (x[i] - x[i-1]) for x <= x_max
            area += 0.5 * (y + lastY) * (x - lastX);
        } else {
            if (lastX < limit) {
                // MVTec AD generic_util.trapezoid: y interpolated at x_max, correction 0.5 * (y_interp + y[ins-1]) * (x_max - x[ins-1])
                double yAtLimit = lastY + (y - lastY) * (limit - lastX) / (x - lastX);
                area += 0.5 * (yAtLimit + lastY) * (limit - lastX);
            }
            done = true;
        }
        lastX = x;
        lastY = y;
    }

    /** @return the area so far */
    double area() {
        return area;
    }
}
