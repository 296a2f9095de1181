package dev.stfpm.eval;

import java.util.Arrays;

/**
 * The 8-connected components of a binary mask: the ground-truth regions of MVTec AD's PRO metric
 * (its evaluation code labels each mask with {@code scipy.ndimage.label} and a 3&times;3 structuring
 * element). Pixels touching only at a corner belong to the same region.
 *
 * <p>Regions are numbered 1, 2, &hellip; in raster order of their first pixel, as {@code
 * scipy.ndimage.label} numbers them; 0 is background. Labelling costs 4 bytes per pixel for the
 * labels plus at most 4 bytes per pixel of flood-fill stack.
 */
public final class ConnectedRegions {

    private final int width;
    private final int count;
    private final int[] labels;
    private final int[] sizes;

    private ConnectedRegions(int width, int count, int[] labels, int[] sizes) {
        this.width = width;
        this.count = count;
        this.labels = labels;
        this.sizes = sizes;
    }

    /**
     * Labels the 8-connected components of a mask.
     *
     * @param mask   {@code width × height} flags, row-major; {@code true} marks a defect pixel
     * @param width  pixels per row
     * @param height rows
     * @return the regions
     */
    public static ConnectedRegions label(boolean[] mask, int width, int height) {
        if (width < 1 || height < 1 || (long) width * height != mask.length) {
            throw new IllegalArgumentException("mask of " + mask.length + " pixels is not " + width + "x" + height);
        }
        int n = mask.length;
        int[] labels = new int[n];
        int[] sizes = new int[8];
        int[] stack = null;
        int count = 0;
        for (int start = 0; start < n; start++) {
            if (!mask[start] || labels[start] != 0) {
                continue;
            }
            if (stack == null) {
                stack = new int[n];
            }
            count++;
            if (count == sizes.length) {
                sizes = Arrays.copyOf(sizes, sizes.length * 2);
            }
            int top = 0;
            int size = 0;
            labels[start] = count;
            stack[top++] = start;
            while (top > 0) {
                int p = stack[--top];
                size++;
                int x = p % width;
                int y = p / width;
                // 8-connectivity: the 3x3 structuring element of MVTec AD's PRO computation.
                for (int dy = -1; dy <= 1; dy++) {
                    int ny = y + dy;
                    if (ny < 0 || ny >= height) {
                        continue;
                    }
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        if (nx < 0 || nx >= width) {
                            continue;
                        }
                        int q = ny * width + nx;
                        if (mask[q] && labels[q] == 0) {
                            labels[q] = count;
                            stack[top++] = q;
                        }
                    }
                }
            }
            sizes[count] = size;
        }
        return new ConnectedRegions(width, count, labels, sizes);
    }

    /** @return the number of regions */
    public int count() {
        return count;
    }

    /**
     * @param x column
     * @param y row
     * @return the region of pixel (x, y), 1 to {@link #count()}, or 0 for background
     */
    public int labelAt(int x, int y) {
        return labels[y * width + x];
    }

    /**
     * @param region a region number, 1 to {@link #count()}
     * @return its number of pixels
     */
    public int size(int region) {
        if (region < 1 || region > count) {
            throw new IndexOutOfBoundsException("region " + region + " of " + count);
        }
        return sizes[region];
    }

    /** @return the labels array itself, row-major (not copied: callers must not modify it) */
    int[] labels() {
        return labels;
    }
}
