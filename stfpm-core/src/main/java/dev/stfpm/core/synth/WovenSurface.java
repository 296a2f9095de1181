package dev.stfpm.core.synth;

import java.util.SplittableRandom;

/**
 * The inspected material: a plain-weave technical fabric seen from above, filling the frame. Warp
 * and weft threads alternate over and under each other; each thread is rounded (bright along its
 * middle, dark in the gaps), arches over the thread it crosses, carries fine fibre streaks along
 * its length and differs slightly in tone from its neighbours; the whole weave is gently wavy.
 *
 * <p>What varies from one defect-free image to the next: the weave's position (phase), a small
 * tilt, the thread pitch by a few percent, the waviness, the colour by a slight tint, and every
 * random streak and tone. Geometry is in units of the {@value Canvas#REFERENCE_SIZE}-pixel picture.
 */
final class WovenSurface {

    /** Thread pitch: distance between neighbouring threads. */
    static final double PITCH = 8.0;
    /** Relative spread of the pitch between images (camera distance). */
    static final double PITCH_SPREAD = 0.04;
    /** Largest tilt of the weave, in degrees either way. */
    static final double MAX_TILT_DEGREES = 4.0;
    /** Largest sideways displacement of a thread by the weave's waviness, in pitches. */
    static final double MAX_WAVINESS = 0.12;
    /** Mean colour of the material (a light glass-fibre fabric). */
    static final double[] COLOUR = {0.74, 0.69, 0.58};
    /** Largest change of each colour channel between images, relative. */
    static final double TINT_SPREAD = 0.015;
    /** Brightness of the gap between threads relative to a thread's crest. */
    static final double GAP_BRIGHTNESS = 0.3;
    /** Relative tone difference between threads. */
    static final double THREAD_TONE = 0.05;
    /** Relative contrast of the fibre streaks along a thread. */
    static final double STREAK_CONTRAST = 0.15;
    /** Relative contrast of the pixel-fine grain. */
    static final double GRAIN_CONTRAST = 0.03;

    private final double pitch;
    private final double cos;
    private final double sin;
    private final double phaseU;
    private final double phaseV;
    private final double waviness;
    private final double waveLength;
    private final double wavePhase;
    private final double[] colour;
    private final long noiseSeed;

    private WovenSurface(double pitch, double tilt, double phaseU, double phaseV, double waviness,
                         double waveLength, double wavePhase, double[] colour, long noiseSeed) {
        this.pitch = pitch;
        this.cos = Math.cos(tilt);
        this.sin = Math.sin(tilt);
        this.phaseU = phaseU;
        this.phaseV = phaseV;
        this.waviness = waviness;
        this.waveLength = waveLength;
        this.wavePhase = wavePhase;
        this.colour = colour;
        this.noiseSeed = noiseSeed;
    }

    /** @return a surface with its natural variation drawn from {@code rng} */
    static WovenSurface random(SplittableRandom rng) {
        double pitch = PITCH * (1 + PITCH_SPREAD * (2 * rng.nextDouble() - 1));
        double tilt = Math.toRadians(MAX_TILT_DEGREES * (2 * rng.nextDouble() - 1));
        double[] colour = new double[3];
        for (int c = 0; c < 3; c++) {
            colour[c] = COLOUR[c] * (1 + TINT_SPREAD * (2 * rng.nextDouble() - 1));
        }
        return new WovenSurface(pitch, tilt, rng.nextDouble(2), rng.nextDouble(2),
                MAX_WAVINESS * rng.nextDouble(), rng.nextDouble(4, 9), rng.nextDouble(2 * Math.PI),
                colour, rng.nextLong());
    }

    /** Paints the surface over the whole canvas. */
    void paint(Canvas canvas) {
        int size = canvas.size;
        double unit = 1 / canvas.scale();
        double centre = Canvas.REFERENCE_SIZE / 2.0;
        for (int py = 0; py < size; py++) {
            double y = (py + 0.5) * unit;
            for (int px = 0; px < size; px++) {
                double x = (px + 0.5) * unit;
                // grain finer than a reference pixel, so it looks alike at every image size
                double shade = shade(x - centre, y - centre)
                        * (1 + GRAIN_CONTRAST * Noise.value(noiseSeed + 1, x * 1.7, y * 1.7));
                int i = py * size + px;
                canvas.r[i] = (float) (colour[0] * shade);
                canvas.g[i] = (float) (colour[1] * shade);
                canvas.b[i] = (float) (colour[2] * shade);
            }
        }
    }

    /** @return the brightness of the weave at a point relative to the image centre, about 0.25 to 1.2 */
    private double shade(double dx, double dy) {
        double u = (cos * dx + sin * dy) / pitch + phaseU;
        double v = (-sin * dx + cos * dy) / pitch + phaseV;
        u += waviness * Math.sin(2 * Math.PI * v / waveLength + wavePhase);
        v += waviness * Math.sin(2 * Math.PI * u / waveLength - wavePhase);
        long fu = Noise.floor(u);
        long fv = Noise.floor(v);
        boolean warpOnTop = ((fu + fv) & 1) == 0;
        // across: position across the top thread (0..1), along: position along it within this crossing
        double across = warpOnTop ? u - fu : v - fv;
        double along = warpOnTop ? v - fv : u - fu;
        long thread = warpOnTop ? 2 * fu : 2 * fv + 1;
        double acrossCoordinate = warpOnTop ? u : v;
        double alongCoordinate = warpOnTop ? v : u;

        double crest = Math.sqrt(Math.sin(Math.PI * across)) * (0.55 + 0.45 * Math.sqrt(Math.sin(Math.PI * along)));
        double tone = 1 + THREAD_TONE * Noise.lattice(noiseSeed, thread, 0);
        // streaks: noise stretched along the thread, 6 across a pitch, 2 pitches long
        double streak = Noise.value(noiseSeed + 2 + (thread & 1), acrossCoordinate * 6, alongCoordinate * 0.5);
        return (GAP_BRIGHTNESS + (1 - GAP_BRIGHTNESS) * crest) * tone * (1 + STREAK_CONTRAST * streak);
    }
}
