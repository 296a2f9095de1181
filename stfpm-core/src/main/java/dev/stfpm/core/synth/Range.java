package dev.stfpm.core.synth;

import java.util.SplittableRandom;

/**
 * A closed interval of a defect property (a size, a contrast) from which each image draws its own
 * value uniformly.
 *
 * @param min the smallest value
 * @param max the largest value
 */
record Range(double min, double max) {

    Range {
        if (!(min <= max)) {
            throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
        }
    }

    /** @return a value drawn uniformly from the range */
    double draw(SplittableRandom rng) {
        return min + (max - min) * rng.nextDouble();
    }

    /** @return a whole number drawn uniformly from the range, both ends included */
    int drawInt(SplittableRandom rng) {
        return (int) Math.round(min) + rng.nextInt((int) Math.round(max) - (int) Math.round(min) + 1);
    }
}
