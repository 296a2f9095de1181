package dev.stfpm.eval;

/**
 * The smallest and largest score of one or more anomaly maps: the range anomalib's min&ndash;max
 * normalisation divides by. {@link #scan(String, float[], int)} is the one pass over a map that both
 * rejects NaN and infinity (the metrics need finite scores) and finds its range.
 *
 * @param min the smallest score ({@code +Infinity} for {@link #EMPTY})
 * @param max the largest score ({@code -Infinity} for {@link #EMPTY})
 */
public record ScoreRange(float min, float max) {

    /** The range of no scores, the identity of {@link #union(ScoreRange)}. */
    public static final ScoreRange EMPTY = new ScoreRange(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);

    /**
     * Checks that every score of a map is finite and finds their range.
     *
     * @param source a name for the error message, such as the map's file
     * @param map    {@code width × height} scores, row-major
     * @param width  pixels per row, to name the row and column of a bad score
     * @return the range ({@link #EMPTY} for an empty map)
     * @throws IllegalArgumentException if a score is NaN or infinite, naming {@code source} and the pixel
     */
    public static ScoreRange scan(String source, float[] map, int width) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < map.length; i++) {
            float v = map[i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(source + ": anomaly map holds " + v + " at row " + i / width
                        + ", column " + i % width + " (scores must be finite)");
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new ScoreRange(min, max);
    }

    /**
     * @param other another range
     * @return the smallest range holding both
     */
    public ScoreRange union(ScoreRange other) {
        return new ScoreRange(Math.min(min, other.min), Math.max(max, other.max));
    }
}
