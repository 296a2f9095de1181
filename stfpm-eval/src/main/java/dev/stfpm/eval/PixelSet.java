package dev.stfpm.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Every scored pixel that takes part in the pixel metrics, each with its ground truth: normal, or a
 * member of one 8-connected ground-truth region ({@link ConnectedRegions}). Pixels are grouped (by
 * defect type, with {@code good} for defect-free images) so that {@link PixelMetrics} can score any
 * union of groups from one sort.
 *
 * <p><b>Memory.</b> Each pixel is one packed {@code long}: its score, as an order-preserving 32-bit
 * int, in the high half and a 32-bit class id in the low half (a class is either "normal pixel of
 * group g" or "pixel of region r"). That is <b>8 bytes per pixel</b>, sorted in place by an MSD
 * radix sort on the score bits ({@link PackedKeySort}: no boxing, no index permutation, no copy),
 * plus about 20 bytes per region and a few bytes per group: 65 M pixels (1,000 maps of
 * 256&times;256) take 524 MB. Scores are not quantised: every distinct float score stays distinct,
 * so the metrics are exact. Give the expected number of pixels to the constructor to avoid growing
 * the array (growing copies it, temporarily needing 2.5&times; the memory).
 *
 * <p><b>Bound.</b> At most {@code Integer.MAX_VALUE - 8} pixels (32,767 maps of 256&times;256), and
 * no more than the Java heap holds: {@link #requireHeapFor} refuses, before any work, a set whose
 * pixels would not fit in what the heap can still give ({@code -Xmx} less what is in use), rather than
 * let it end in an {@link OutOfMemoryError}.
 *
 * <p>Not thread-safe.
 */
public final class PixelSet {

    private static final int MAX_PIXELS = Integer.MAX_VALUE - 8;
    /** The heap each pixel takes. */
    public static final int BYTES_PER_PIXEL = Long.BYTES;

    private long[] keys;
    private int size;
    private boolean sorted = true;
    private final List<String> groups = new ArrayList<>();
    private int[] groupNormalClass = new int[4];
    private int classCount;
    private int[] classGroup = new int[64];
    private double[] classInvSize = new double[64];
    private long[] classPixels = new long[64];

    /**
     * @param expectedPixels how many pixels will be added (a hint: the set grows if needed)
     * @throws IllegalArgumentException if the count is negative, or too large for a set or for the
     *                                  heap ({@link #requireHeapFor})
     */
    public PixelSet(long expectedPixels) {
        if (expectedPixels < 0) {
            throw new IllegalArgumentException("expected pixel count out of range: " + expectedPixels);
        }
        requireHeapFor(expectedPixels);
        keys = new long[(int) expectedPixels];
    }

    /**
     * Refuses a pixel count that a set cannot hold, or whose {@value #BYTES_PER_PIXEL} bytes a pixel
     * are more than the Java heap can still give (after a garbage collection, if the first look says no).
     *
     * @param pixels the pixels that would take part in the pixel metrics
     * @throws IllegalArgumentException saying how much heap they need and how much there is
     */
    public static void requireHeapFor(long pixels) {
        if (pixels > MAX_PIXELS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the exact pixel metrics of %,d pixels are"
                    + " over the limit of %,d pixels in one evaluation: evaluate fewer images", pixels, MAX_PIXELS));
        }
        long need = pixels * BYTES_PER_PIXEL;
        if (need > heapLeft()) {
            System.gc(); // what is in use may be mostly garbage
            long left = heapLeft();
            if (need > left) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "the exact pixel metrics of %,d pixels"
                        + " need %.1f GB of Java heap (%d bytes a pixel), over the %.1f GB this JVM can still give:"
                        + " run it with a larger -Xmx (bin/stfpm: STFPM_JAVA_OPTS) or evaluate fewer images", pixels,
                        need / 1e9, BYTES_PER_PIXEL, left / 1e9));
            }
        }
    }

    private static long heapLeft() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * Adds one anomaly map and its ground truth.
     *
     * @param source a name for error messages, such as the map's file
     * @param map    {@code width × height} scores, row-major; every one finite
     * @param mask   {@code width × height} ground-truth flags ({@code true} = defect), or {@code null}
     *               for an image without defects
     * @param width  pixels per row
     * @param height rows
     * @param group  the group, usually the defect type ({@code good} for defect-free images)
     * @throws IllegalArgumentException if sizes disagree or a score is NaN or infinite (naming
     *                                  {@code source} and the pixel)
     */
    public void add(String source, float[] map, boolean[] mask, int width, int height, String group) {
        if (width < 1 || height < 1 || (long) width * height != map.length) {
            throw new IllegalArgumentException(source + ": map of " + map.length + " values is not " + width + "x" + height);
        }
        if (mask != null && mask.length != map.length) {
            throw new IllegalArgumentException(source + ": mask of " + mask.length + " pixels does not match the "
                    + width + "x" + height + " map");
        }
        ScoreRange.scan(source, map, width); // rejects NaN and infinity, naming the pixel
        if ((long) size + map.length > MAX_PIXELS) {
            throw new IllegalArgumentException(source + ": more than " + MAX_PIXELS + " pixels in one evaluation");
        }
        ensureCapacity(size + map.length);
        int g = groupIndex(group);
        int normalClass = groupNormalClass[g];
        ConnectedRegions regions = mask == null ? null : ConnectedRegions.label(mask, width, height);
        int firstRegionClass = classCount;
        if (regions != null) {
            for (int r = 1; r <= regions.count(); r++) {
                int c = newClass(g);
                classInvSize[c] = 1.0 / regions.size(r);
                classPixels[c] = regions.size(r);
            }
        }
        int[] labels = regions == null ? null : regions.labels();
        long normal = 0;
        for (int i = 0; i < map.length; i++) {
            int label = labels == null ? 0 : labels[i];
            int cls = label == 0 ? normalClass : firstRegionClass + label - 1;
            normal += label == 0 ? 1 : 0;
            keys[size++] = SortableFloat.pack(SortableFloat.toSortable(map[i]), cls);
        }
        classPixels[normalClass] += normal;
        sorted = false;
    }

    /** @return the number of pixels added */
    public int size() {
        return size;
    }

    /** @return the groups in the order they were first used */
    public List<String> groups() {
        return Collections.unmodifiableList(new ArrayList<>(groups));
    }

    /** Sorts the packed keys by score, once; {@link PixelMetrics} calls it. */
    void sort() {
        if (!sorted) {
            PackedKeySort.sort(keys, 0, size);
            sorted = true;
        }
    }

    /** @return the packed keys (sorted after {@link #sort()}); not copied */
    long[] keys() {
        return keys;
    }

    /** @return the number of classes (normal-of-group and region classes) */
    int classCount() {
        return classCount;
    }

    /** @return each class's group index; not copied */
    int[] classGroup() {
        return classGroup;
    }

    /** @return each class's 1 / region size, 0 for normal classes; not copied */
    double[] classInvSize() {
        return classInvSize;
    }

    /** @return each class's number of pixels; not copied */
    long[] classPixels() {
        return classPixels;
    }

    private int groupIndex(String group) {
        int g = groups.indexOf(group);
        if (g >= 0) {
            return g;
        }
        g = groups.size();
        groups.add(group);
        if (g == groupNormalClass.length) {
            groupNormalClass = Arrays.copyOf(groupNormalClass, g * 2);
        }
        groupNormalClass[g] = newClass(g);
        return g;
    }

    private int newClass(int group) {
        if (classCount == classGroup.length) {
            int cap = classCount * 2;
            classGroup = Arrays.copyOf(classGroup, cap);
            classInvSize = Arrays.copyOf(classInvSize, cap);
            classPixels = Arrays.copyOf(classPixels, cap);
        }
        classGroup[classCount] = group;
        return classCount++;
    }

    private void ensureCapacity(int needed) {
        if (needed > keys.length) {
            long grown = Math.max(needed, keys.length + (keys.length >> 1));
            keys = Arrays.copyOf(keys, (int) Math.min(grown, MAX_PIXELS));
        }
    }
}
