package dev.stfpm.eval;

import java.util.Arrays;

/**
 * Sorts packed {@code long} keys by their high 32 bits (a signed int, the sortable score), in place,
 * with an American-flag MSD radix sort over those four bytes: no extra array, no boxing, O(n) per
 * byte. The order of keys with equal high halves is unspecified, which the threshold sweeps do not
 * need. Small buckets fall back to {@link Arrays#sort(long[], int, int)}.
 */
final class PackedKeySort {

    private static final int SMALL = 512;
    private static final int TOP_SHIFT = 56;
    private static final int LAST_SHIFT = 32;

    private PackedKeySort() {
    }

    /**
     * @param keys the keys
     * @param from first index, inclusive
     * @param to   last index, exclusive
     */
    static void sort(long[] keys, int from, int to) {
        int[][] counts = new int[4][257];
        int[][] next = new int[4][256];
        sort(keys, from, to, TOP_SHIFT, counts, next);
    }

    /** Sorts by the byte at {@code shift} and below; each level uses only its own row of the work arrays. */
    private static void sort(long[] a, int from, int to, int shift, int[][] counts, int[][] nexts) {
        if (to - from <= SMALL) {
            Arrays.sort(a, from, to);
            return;
        }
        int level = (TOP_SHIFT - shift) / 8;
        int[] start = counts[level];
        int[] next = nexts[level];
        Arrays.fill(start, 0);
        for (int i = from; i < to; i++) {
            start[digit(a[i], shift) + 1]++;
        }
        boolean single = false;
        for (int b = 0; b < 256; b++) {
            single |= start[b + 1] == to - from;
        }
        start[0] = from;
        for (int b = 0; b < 256; b++) {
            start[b + 1] += start[b];
        }
        if (!single) {
            System.arraycopy(start, 0, next, 0, 256);
            for (int b = 0; b < 256; b++) {
                int end = start[b + 1];
                while (next[b] < end) {
                    long v = a[next[b]];
                    int d = digit(v, shift);
                    while (d != b) {
                        long displaced = a[next[d]];
                        a[next[d]++] = v;
                        v = displaced;
                        d = digit(v, shift);
                    }
                    a[next[b]++] = v;
                }
            }
        }
        if (shift > LAST_SHIFT) {
            for (int b = 0; b < 256; b++) {
                int lo = start[b];
                int hi = start[b + 1];
                if (hi - lo > 1) {
                    sort(a, lo, hi, shift - 8, counts, nexts);
                }
            }
        }
    }

    /** One byte of the high half; the top byte's sign bit is flipped so signed order holds. */
    private static int digit(long key, int shift) {
        int d = (int) (key >>> shift) & 0xff;
        return shift == TOP_SHIFT ? d ^ 0x80 : d;
    }
}
