package dev.stfpm.core.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.SplittableRandom;

/**
 * Lighting and sensor: turns a painted canvas into an 8-bit RGB image. Each image gets its own
 * exposure (a global gain), a gentle linear light gradient in a random direction, a vignette, a
 * slight white-balance tint and Gaussian sensor noise. The noise is drawn from a seed the camera
 * keeps, so developing two canvases that differ in a few pixels gives images that differ in exactly
 * those pixels.
 */
final class Camera {

    /** Smallest global gain (exposure). */
    static final double MIN_GAIN = 0.88;
    /** Largest global gain (exposure). */
    static final double MAX_GAIN = 1.08;
    /** Largest relative brightness change of the light gradient from the centre to an edge. */
    static final double MAX_GRADIENT = 0.08;
    /** Largest relative darkening of the corners by the vignette. */
    static final double MAX_VIGNETTE = 0.12;
    /** Largest relative change of each channel by the white balance. */
    static final double MAX_TINT = 0.01;
    /** Standard deviation of the sensor noise, in units of the full 0..1 range. */
    static final double NOISE_SIGMA = 0.012;

    private final double gain;
    private final double gradientX;
    private final double gradientY;
    private final double vignette;
    private final double[] tint;
    private final long noiseSeed;

    private Camera(double gain, double gradientX, double gradientY, double vignette, double[] tint, long noiseSeed) {
        this.gain = gain;
        this.gradientX = gradientX;
        this.gradientY = gradientY;
        this.vignette = vignette;
        this.tint = tint;
        this.noiseSeed = noiseSeed;
    }

    /** @return a camera with its settings drawn from {@code rng} */
    static Camera random(SplittableRandom rng) {
        double gain = rng.nextDouble(MIN_GAIN, MAX_GAIN);
        double direction = rng.nextDouble(2 * Math.PI);
        double gradient = MAX_GRADIENT * rng.nextDouble();
        double[] tint = new double[3];
        for (int c = 0; c < 3; c++) {
            tint[c] = 1 + MAX_TINT * (2 * rng.nextDouble() - 1);
        }
        return new Camera(gain, gradient * Math.cos(direction), gradient * Math.sin(direction),
                MAX_VIGNETTE * rng.nextDouble(), tint, rng.nextLong());
    }

    /** @return the canvas as lit and recorded by this camera, {@link BufferedImage#TYPE_INT_RGB} */
    BufferedImage develop(Canvas canvas) {
        int size = canvas.size;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        SplittableRandom noise = new SplittableRandom(noiseSeed);
        for (int py = 0; py < size; py++) {
            double y = 2 * (py + 0.5) / size - 1;
            for (int px = 0; px < size; px++) {
                double x = 2 * (px + 0.5) / size - 1;
                double light = gain * (1 + gradientX * x + gradientY * y) * (1 - vignette * 0.5 * (x * x + y * y));
                int i = py * size + px;
                int red = quantise(canvas.r[i] * light * tint[0] + NOISE_SIGMA * noise.nextGaussian());
                int green = quantise(canvas.g[i] * light * tint[1] + NOISE_SIGMA * noise.nextGaussian());
                int blue = quantise(canvas.b[i] * light * tint[2] + NOISE_SIGMA * noise.nextGaussian());
                rgb[i] = red << 16 | green << 8 | blue;
            }
        }
        return image;
    }

    private static int quantise(double value) {
        return (int) Math.round(255 * Math.min(1, Math.max(0, value)));
    }
}
