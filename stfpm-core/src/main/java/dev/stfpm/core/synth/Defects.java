package dev.stfpm.core.synth;

import java.util.SplittableRandom;

/**
 * Paints one defect onto a canvas and reports where: each defect is a shape (its {@link Coverage})
 * and a rule for what it turns the covered pixels into. Every size and contrast is drawn per image
 * from the ranges below, sizes in pixels of the {@value Canvas#REFERENCE_SIZE}-pixel picture; the
 * low ends of the ranges give the subtle defects, most draws are clearly visible.
 *
 * <p>Coverage below {@link #MASK_THRESHOLD} is dropped before painting, so the pixels a defect
 * changes are exactly those of its mask.
 */
final class Defects {

    /** Least coverage of a pixel for the defect to paint it and the mask to include it. */
    static final double MASK_THRESHOLD = 0.25;
    /** Defect centres lie at least this share of the image side away from the border. */
    static final double BORDER_MARGIN = 0.2;

    /** Scratch: length of the stroke. */
    static final Range SCRATCH_LENGTH = new Range(25, 80);
    /** Scratch: width of the stroke. */
    static final Range SCRATCH_WIDTH = new Range(1.6, 3.2);
    /** Scratch: largest sideways bend of the stroke as a share of its length (0 is straight). */
    static final Range SCRATCH_BEND = new Range(0, 0.12);
    /** Scratch: how far a pixel moves towards white (bright scratch) or black (dark scratch). */
    static final Range SCRATCH_CONTRAST = new Range(0.5, 0.95);
    /** Scratch: share of scratches that are bright (light catching the groove's edge). */
    static final double SCRATCH_BRIGHT_SHARE = 0.6;

    /** Spot: larger radius of the ellipse. */
    static final Range SPOT_RADIUS = new Range(5, 14);
    /** Spot: smaller radius as a share of the larger one. */
    static final Range SPOT_ASPECT = new Range(0.65, 1);
    /** Spot: share of the radius over which the stain fades out. */
    static final Range SPOT_SOFTNESS = new Range(0.2, 0.6);
    /** Spot: how far a pixel moves towards the stain's colour at full coverage. */
    static final Range SPOT_CONTRAST = new Range(0.45, 0.85);
    /** Spot: the stain colours (dark oil, light residue, rust, blue-grey), one drawn per spot. */
    static final double[][] SPOT_COLOURS = {{0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}, {0.60, 0.33, 0.15}, {0.25, 0.32, 0.45}};

    /** Crack: total length of the main crack (its branches come on top). */
    static final Range CRACK_LENGTH = new Range(30, 70);
    /** Crack: width at the crack's origin; it tapers to {@link #CRACK_TIP_WIDTH}. */
    static final Range CRACK_WIDTH = new Range(1.2, 2.4);
    /** Crack: width at the tips. */
    static final double CRACK_TIP_WIDTH = 0.6;
    /** Crack: chance per step that a branch splits off. */
    static final double CRACK_BRANCH_RATE = 0.12;
    /** Crack: length of one straight step. */
    static final double CRACK_STEP = 2.5;
    /** Crack: spread of each step's direction about the heading, radians (the zigzag). */
    static final double CRACK_ZIGZAG = 0.45;
    /** Crack: spread of the heading's change per step, radians (the overall bend). */
    static final double CRACK_DRIFT = 0.12;
    /** Crack: how far a pixel moves towards black at full coverage. */
    static final Range CRACK_CONTRAST = new Range(0.55, 0.9);

    /** Hole: mean radius of the missing region. */
    static final Range HOLE_RADIUS = new Range(4, 12);
    /** Hole: irregularity of the outline, the amplitude of its first harmonic. */
    static final Range HOLE_IRREGULARITY = new Range(0.15, 0.35);
    /** Hole: brightness of the backing seen through the hole (the surface is about 0.65). */
    static final Range HOLE_BACKING = new Range(0.05, 0.35);
    /** Hole: width of the frayed rim where broken fibres partly cover the hole. */
    static final double HOLE_FRAY_WIDTH = 2.5;

    /** Contamination: share of contaminations that are a loose fibre (the others are a speck cluster). */
    static final double CONTAMINATION_FIBRE_SHARE = 0.4;
    /** Contamination: length of a fibre. */
    static final Range FIBRE_LENGTH = new Range(20, 60);
    /** Contamination: width of a fibre. */
    static final Range FIBRE_WIDTH = new Range(1, 2);
    /** Contamination: radius of a speck cluster. */
    static final Range CLUSTER_RADIUS = new Range(4, 10);
    /** Contamination: number of specks in a cluster. */
    static final Range CLUSTER_SPECKS = new Range(4, 14);
    /** Contamination: radius of one speck. */
    static final Range SPECK_RADIUS = new Range(1.2, 3);
    /** Contamination: opacity of the foreign material. */
    static final Range CONTAMINATION_OPACITY = new Range(0.55, 0.95);
    /** Contamination: colours of foreign material (dark brown, rust, blue, white, olive). */
    static final double[][] FOREIGN_COLOURS = {
        {0.15, 0.12, 0.10}, {0.55, 0.25, 0.12}, {0.20, 0.30, 0.62}, {0.95, 0.95, 0.97}, {0.35, 0.45, 0.22}};

    private Defects() {
    }

    /**
     * Paints a defect of the given type.
     *
     * @param type one of {@link SyntheticInspectionSet#DEFECT_TYPES}
     * @return the pixels it changed: positive coverage exactly there
     */
    static Coverage paint(String type, Canvas canvas, SplittableRandom rng) {
        return switch (type) {
            case SyntheticInspectionSet.SCRATCH -> scratch(canvas, rng);
            case SyntheticInspectionSet.SPOT -> spot(canvas, rng);
            case SyntheticInspectionSet.CRACK -> crack(canvas, rng);
            case SyntheticInspectionSet.HOLE -> hole(canvas, rng);
            case SyntheticInspectionSet.CONTAMINATION -> contamination(canvas, rng);
            default -> throw new IllegalArgumentException("unknown defect type '" + type + "', expected one of "
                    + SyntheticInspectionSet.DEFECT_TYPES);
        };
    }

    /** A thin straight or slightly bent stroke, bright or dark, its intensity varying along it. */
    private static Coverage scratch(Canvas canvas, SplittableRandom rng) {
        double s = canvas.scale();
        double length = SCRATCH_LENGTH.draw(rng);
        double width = SCRATCH_WIDTH.draw(rng);
        double bend = SCRATCH_BEND.draw(rng) * length * (rng.nextBoolean() ? 1 : -1);
        double contrast = SCRATCH_CONTRAST.draw(rng);
        double target = rng.nextDouble() < SCRATCH_BRIGHT_SHARE ? 1 : 0;
        double angle = rng.nextDouble(Math.PI);
        double cx = centre(rng);
        double cy = centre(rng);
        long streakSeed = rng.nextLong();

        // a quadratic Bezier curve whose middle lies `bend` to the side of the straight line
        double dx = Math.cos(angle) * length / 2;
        double dy = Math.sin(angle) * length / 2;
        double controlX = cx - Math.sin(angle) * 2 * bend;
        double controlY = cy + Math.cos(angle) * 2 * bend;
        int segments = 16;
        double[] xs = new double[segments + 1];
        double[] ys = new double[segments + 1];
        for (int k = 0; k <= segments; k++) {
            double t = k / (double) segments;
            xs[k] = s * ((1 - t) * (1 - t) * (cx - dx) + 2 * t * (1 - t) * controlX + t * t * (cx + dx));
            ys[k] = s * ((1 - t) * (1 - t) * (cy - dy) + 2 * t * (1 - t) * controlY + t * t * (cy + dy));
        }
        Coverage coverage = new Coverage(canvas.size);
        coverage.polyline(xs, ys, width * s);
        paintCovered(coverage, (i, x, y, w) -> {
            double strength = contrast * (0.75 + 0.25 * Noise.value(streakSeed, x / 5, y / 5));
            canvas.mix(i, w * strength, target, target, target);
        });
        return coverage;
    }

    /** A soft-edged elliptical stain, darker, lighter or tinted, a little blotchy. */
    private static Coverage spot(Canvas canvas, SplittableRandom rng) {
        double s = canvas.scale();
        double radius = SPOT_RADIUS.draw(rng);
        double aspect = SPOT_ASPECT.draw(rng);
        double softness = SPOT_SOFTNESS.draw(rng);
        double contrast = SPOT_CONTRAST.draw(rng);
        double[] colour = SPOT_COLOURS[rng.nextInt(SPOT_COLOURS.length)];
        double angle = rng.nextDouble(Math.PI);
        double cx = centre(rng);
        double cy = centre(rng);
        long blotchSeed = rng.nextLong();

        Coverage coverage = new Coverage(canvas.size);
        coverage.ellipse(cx * s, cy * s, radius * s, radius * aspect * s, angle, softness);
        paintCovered(coverage, (i, x, y, w) -> {
            double strength = contrast * (0.8 + 0.2 * Noise.value(blotchSeed, x / 3, y / 3));
            canvas.mix(i, w * strength, colour[0], colour[1], colour[2]);
        });
        return coverage;
    }

    /** A dark crack: a random walk from its origin in two opposite directions, tapering, branching. */
    private static Coverage crack(Canvas canvas, SplittableRandom rng) {
        double s = canvas.scale();
        double length = CRACK_LENGTH.draw(rng);
        double width = CRACK_WIDTH.draw(rng);
        double contrast = CRACK_CONTRAST.draw(rng);
        double angle = rng.nextDouble(2 * Math.PI);
        double cx = centre(rng);
        double cy = centre(rng);

        Coverage coverage = new Coverage(canvas.size);
        crackArm(coverage, rng, s, cx, cy, angle, length / 2, width, 0);
        crackArm(coverage, rng, s, cx, cy, angle + Math.PI, length / 2, width, 0);
        paintCovered(coverage, (i, x, y, w) -> canvas.mix(i, w * contrast, 0.05, 0.04, 0.03));
        return coverage;
    }

    /**
     * Adds one arm of a crack: straight steps zigzagging about a slowly drifting heading, tapering
     * from {@code width} to {@link #CRACK_TIP_WIDTH}, splitting off shorter, thinner branches.
     */
    private static void crackArm(Coverage coverage, SplittableRandom rng, double s, double x, double y,
                                 double heading, double length, double width, int depth) {
        int steps = Math.max(1, (int) Math.round(length / CRACK_STEP));
        for (int k = 0; k < steps; k++) {
            heading += CRACK_DRIFT * rng.nextGaussian();
            double angle = heading + CRACK_ZIGZAG * rng.nextGaussian();
            double nx = x + CRACK_STEP * Math.cos(angle);
            double ny = y + CRACK_STEP * Math.sin(angle);
            double w = width + (CRACK_TIP_WIDTH - width) * (k + 1) / steps;
            coverage.segment(x * s, y * s, nx * s, ny * s, w * s);
            if (depth < 2 && rng.nextDouble() < CRACK_BRANCH_RATE) {
                double side = rng.nextBoolean() ? 1 : -1;
                crackArm(coverage, rng, s, nx, ny, heading + side * rng.nextDouble(0.4, 1.1),
                        (steps - k) * CRACK_STEP * rng.nextDouble(0.3, 0.8), Math.max(CRACK_TIP_WIDTH, 0.7 * w), depth + 1);
            }
            x = nx;
            y = ny;
        }
    }

    /** Missing material: an irregular region showing the dark backing, its rim frayed. */
    private static Coverage hole(Canvas canvas, SplittableRandom rng) {
        double s = canvas.scale();
        double radius = HOLE_RADIUS.draw(rng);
        double irregularity = HOLE_IRREGULARITY.draw(rng);
        double backing = HOLE_BACKING.draw(rng);
        double cx = centre(rng);
        double cy = centre(rng);
        double[] amplitudes = new double[7];
        double[] phases = new double[7];
        for (int k = 0; k < amplitudes.length; k++) {
            amplitudes[k] = irregularity * rng.nextDouble(0.3, 1) / Math.sqrt(k + 1);
            phases[k] = rng.nextDouble(2 * Math.PI);
        }
        long textureSeed = rng.nextLong();

        Coverage coverage = new Coverage(canvas.size);
        coverage.blob(cx * s, cy * s, radius * s, amplitudes, phases);
        paintCovered(coverage, (i, x, y, w) -> {
            double depth = Coverage.blobRadius(radius, amplitudes, phases, Math.atan2(y - cy, x - cx))
                    - Math.hypot(x - cx, y - cy);
            double fray = Math.max(0, 1 - depth / HOLE_FRAY_WIDTH) * (0.5 + 0.5 * Noise.value(textureSeed, x * 1.5, y * 1.5));
            double shade = backing * (1 + 0.25 * Noise.value(textureSeed + 1, x / 2, y / 2));
            canvas.mix(i, w * (1 - 0.6 * fray), shade, shade, shade * 1.05);
        });
        return coverage;
    }

    /** Foreign material: a loose fibre or a cluster of specks, in a foreign colour with its own grain. */
    private static Coverage contamination(Canvas canvas, SplittableRandom rng) {
        double s = canvas.scale();
        double[] colour = FOREIGN_COLOURS[rng.nextInt(FOREIGN_COLOURS.length)];
        double opacity = CONTAMINATION_OPACITY.draw(rng);
        double cx = centre(rng);
        double cy = centre(rng);
        Coverage coverage = new Coverage(canvas.size);
        if (rng.nextDouble() < CONTAMINATION_FIBRE_SHARE) {
            fibre(coverage, rng, s, cx, cy);
        } else {
            double clusterRadius = CLUSTER_RADIUS.draw(rng);
            int specks = CLUSTER_SPECKS.drawInt(rng);
            for (int k = 0; k < specks; k++) {
                double r = clusterRadius * Math.sqrt(rng.nextDouble());
                double a = rng.nextDouble(2 * Math.PI);
                double x = cx + r * Math.cos(a);
                double y = cy + r * Math.sin(a);
                double speck = SPECK_RADIUS.draw(rng);
                double elongation = speck * rng.nextDouble();
                double b = rng.nextDouble(Math.PI);
                coverage.segment(s * (x - elongation * Math.cos(b)), s * (y - elongation * Math.sin(b)),
                        s * (x + elongation * Math.cos(b)), s * (y + elongation * Math.sin(b)), 2 * speck * s);
            }
        }
        long grainSeed = rng.nextLong();
        paintCovered(coverage, (i, x, y, w) -> {
            double grain = 1 + 0.25 * Noise.value(grainSeed, x * 1.5, y * 1.5);
            canvas.mix(i, w * opacity, colour[0] * grain, colour[1] * grain, colour[2] * grain);
        });
        return coverage;
    }

    /** Adds a loose fibre: a thin stroke whose curvature wanders smoothly. */
    private static void fibre(Coverage coverage, SplittableRandom rng, double s, double cx, double cy) {
        double length = FIBRE_LENGTH.draw(rng);
        double width = FIBRE_WIDTH.draw(rng);
        int steps = (int) Math.round(length);
        double[] xs = new double[steps + 1];
        double[] ys = new double[steps + 1];
        double angle = rng.nextDouble(2 * Math.PI);
        double curvature = 0;
        double x = cx - length / 2 * Math.cos(angle);
        double y = cy - length / 2 * Math.sin(angle);
        for (int k = 0; k <= steps; k++) {
            xs[k] = s * x;
            ys[k] = s * y;
            curvature = 0.85 * curvature + 0.06 * rng.nextGaussian();
            angle += curvature;
            x += Math.cos(angle);
            y += Math.sin(angle);
        }
        coverage.polyline(xs, ys, width * s);
    }

    /** @return a defect centre coordinate, in reference pixels, away from the border */
    private static double centre(SplittableRandom rng) {
        return Canvas.REFERENCE_SIZE * rng.nextDouble(BORDER_MARGIN, 1 - BORDER_MARGIN);
    }

    /**
     * Drops coverage below {@link #MASK_THRESHOLD}, then calls {@code painter} for every pixel still
     * covered, with its position in reference pixels.
     */
    private static void paintCovered(Coverage coverage, CoveredPixel painter) {
        coverage.dropBelow(MASK_THRESHOLD);
        int size = coverage.size;
        double unit = Canvas.REFERENCE_SIZE / (double) size;
        for (int i = 0; i < coverage.weight.length; i++) {
            float w = coverage.weight[i];
            if (w > 0) {
                painter.paint(i, (i % size + 0.5) * unit, (i / size + 0.5) * unit, w);
            }
        }
    }

    /** Paints one covered pixel. */
    @FunctionalInterface
    private interface CoveredPixel {
        void paint(int index, double x, double y, double weight);
    }
}
