package dev.stfpm.core.synth;

/**
 * Value noise: random values on the integer lattice, smoothly interpolated between. A pure function
 * of its seed and coordinates, so any pixel can be computed on its own, in any order.
 */
final class Noise {

    private Noise() {
    }

    /**
     * @return smooth noise in [-1, 1] with features about one unit across
     */
    static double value(long seed, double x, double y) {
        long ix = floor(x);
        long iy = floor(y);
        double tx = fade(x - ix);
        double ty = fade(y - iy);
        double top = lerp(lattice(seed, ix, iy), lattice(seed, ix + 1, iy), tx);
        double bottom = lerp(lattice(seed, ix, iy + 1), lattice(seed, ix + 1, iy + 1), tx);
        return lerp(top, bottom, ty);
    }

    /**
     * @return a random value in [-1, 1] for a lattice point
     */
    static double lattice(long seed, long x, long y) {
        long h = mix(seed + x * 0x9E3779B97F4A7C15L + y * 0xC2B2AE3D27D4EB4FL);
        return (h >>> 11) * 0x1.0p-52 - 1.0;
    }

    /**
     * @return the 64-bit finaliser of SplitMix64: a well-spread hash of {@code z}
     */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return the largest whole number not above {@code x}, faster than {@link Math#floor} */
    static long floor(double x) {
        long i = (long) x;
        return x < i ? i - 1 : i;
    }

    private static double fade(double t) {
        return t * t * (3 - 2 * t);
    }

    private static double lerp(double a, double b, double t) {
        return a + t * (b - a);
    }
}
