package dev.stfpm.eval;

/**
 * Maps {@code float} scores to {@code int}s whose signed order is the scores' numeric order, so that
 * a score and a 32-bit payload can be packed into one {@code long} and sorted as a primitive.
 */
final class SortableFloat {

    private SortableFloat() {
    }

    /**
     * @param v a finite score; {@code -0.0} is treated as {@code 0.0}
     * @return an int ordered like {@code v}
     */
    static int toSortable(float v) {
        int bits = Float.floatToRawIntBits(v + 0.0f);
        // IEEE-754 total order trick: flip the magnitude bits of negative values.
        return bits ^ (bits >> 31 & 0x7fffffff);
    }

    /**
     * @param sortable a value from {@link #toSortable(float)}
     * @return the score it came from
     */
    static float fromSortable(int sortable) {
        return Float.intBitsToFloat(sortable ^ (sortable >> 31 & 0x7fffffff));
    }

    /**
     * @param sortable a score's sortable int
     * @param payload  32 bits to carry along (compared as unsigned, after the score)
     * @return the packed key: score in the high 32 bits, payload in the low 32 bits
     */
    static long pack(int sortable, int payload) {
        return (long) sortable << 32 | payload & 0xffffffffL;
    }

    /** @return the sortable score of a packed key */
    static int score(long key) {
        return (int) (key >> 32);
    }

    /** @return the payload of a packed key */
    static int payload(long key) {
        return (int) key;
    }
}
