package dev.stfpm.core.synth;

/**
 * An RGB picture being drawn: one float per channel and pixel, 0 black to 1 white, row by row.
 * Shapes are laid out in units of a {@value #REFERENCE_SIZE}-pixel picture and multiplied by
 * {@link #scale()}, so every image size shows the same picture.
 */
final class Canvas {

    /** The image side in which the generator's sizes are given. */
    static final int REFERENCE_SIZE = 128;

    final int size;
    final float[] r;
    final float[] g;
    final float[] b;

    Canvas(int size) {
        this.size = size;
        this.r = new float[size * size];
        this.g = new float[size * size];
        this.b = new float[size * size];
    }

    /** @return pixels per unit of the reference picture */
    double scale() {
        return size / (double) REFERENCE_SIZE;
    }

    /** Moves pixel {@code i} towards a colour by {@code t} (0 keeps it, 1 replaces it). */
    void mix(int i, double t, double red, double green, double blue) {
        r[i] += (float) (t * (red - r[i]));
        g[i] += (float) (t * (green - g[i]));
        b[i] += (float) (t * (blue - b[i]));
    }
}
