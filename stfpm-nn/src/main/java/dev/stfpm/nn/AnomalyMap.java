package dev.stfpm.nn;

import dev.stfpm.nn.dl4j.Dl4jWorkarounds;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The anomaly map of Eq. 4: at every pyramid level the per-position distance of Eq. 1
 * ({@link FeatureDistance}), bilinearly upsampled to the image size, and the product of the levels'
 * maps. The image's anomaly score is the map's maximum.
 *
 * <p>A fused kernel: it reads each level's features once to normalise them, once to measure the
 * distances, and writes every pixel of the map once per level, with no intermediate arrays the size
 * of the features. Images of a batch run in parallel. Upsampling uses half-pixel centres, which is
 * what PyTorch's {@code F.interpolate(mode="bilinear", align_corners=False)} computes. Instances
 * hold no state between calls and are safe to share between threads.
 */
public final class AnomalyMap {

    private final int levels;
    private final int size;

    /**
     * @param levels    the number of pyramid levels
     * @param imageSize the side of the square map, the network's input size
     */
    public AnomalyMap(int levels, int imageSize) {
        if (levels < 1) {
            throw new IllegalArgumentException("need at least one pyramid level");
        }
        if (imageSize < 1) {
            throw new IllegalArgumentException("image size must be positive: " + imageSize);
        }
        this.levels = levels;
        this.size = imageSize;
    }

    /**
     * Computes the maps of a batch.
     *
     * @param teacher the teacher's features, one {@code [N, C, H, W]} array per level
     * @param student the student's features, same shapes
     * @return {@code [N, S, S]} anomaly maps
     */
    public INDArray compute(INDArray[] teacher, INDArray[] student) {
        int images = checkFeatures(levels, teacher, student);
        Level[] level = new Level[levels];
        for (int l = 0; l < levels; l++) {
            level[l] = Level.of(teacher[l], student[l], size);
        }
        int pixels = size * size;
        float[] maps = new float[images * pixels];
        IntStream.range(0, images).parallel().forEach(i -> {
            double[] product = new double[pixels];
            Arrays.fill(product, 1);
            for (Level l : level) {
                l.multiplyUpsampled(i, product);
            }
            for (int p = 0; p < pixels; p++) {
                maps[i * pixels + p] = (float) product[p];
            }
        });
        return Nd4j.create(maps, new long[] {images, size, size}, 'c');
    }

    /**
     * Checks that teacher and student features are a pyramid of {@code levels} pairs of equal
     * {@code [N, C, H, W]} shapes, {@code N} the same at every level: the input of {@link #compute}
     * and of any other implementation of Eq. 4.
     *
     * @param levels  the number of pyramid levels expected
     * @param teacher the teacher's features, one array per level
     * @param student the student's features
     * @return {@code N}, the batch size
     * @throws IllegalArgumentException if they are not
     */
    public static int checkFeatures(int levels, INDArray[] teacher, INDArray[] student) {
        if (teacher.length != levels || student.length != levels) {
            throw new IllegalArgumentException("expected " + levels + " pyramid levels, got "
                    + teacher.length + " teacher and " + student.length + " student feature maps");
        }
        long images = teacher[0].size(0);
        for (int l = 0; l < levels; l++) {
            if (teacher[l].rank() != 4 || !Arrays.equals(teacher[l].shape(), student[l].shape())
                    || teacher[l].size(0) != images) {
                throw new IllegalArgumentException("level " + l + ": teacher features "
                        + Arrays.toString(teacher[l].shape()) + " and student features "
                        + Arrays.toString(student[l].shape()) + " must both be [" + images + ", C, H, W]");
            }
        }
        return (int) images;
    }

    /**
     * @param maps {@code [N, S, S]} anomaly maps
     * @return each image's anomaly score, the maximum of its map
     */
    public static float[] scores(INDArray maps) {
        return maps.reshape(maps.size(0), -1).max(1).toFloatVector();
    }

    /** @return the side of the square maps */
    public int size() {
        return size;
    }

    /** One pyramid level's features, as plain arrays, and its upsampling from H×W to S×S. */
    private record Level(float[] teacher, float[] student, int channels, int height, int width, Resampling rows,
                         Resampling cols) {

        static Level of(INDArray teacher, INDArray student, int size) {
            int h = (int) teacher.size(2);
            int w = (int) teacher.size(3);
            return new Level(Dl4jWorkarounds.toHeap(teacher), Dl4jWorkarounds.toHeap(student), (int) teacher.size(1), h, w,
                    new Resampling(h, size), new Resampling(w, size));
        }

        /** Multiplies {@code product} (S×S) by this level's upsampled distance map of image {@code i}. */
        void multiplyUpsampled(int i, double[] product) {
            int positions = height * width;
            double[] d = FeatureDistance.perPosition(teacher, student, i * channels * positions, channels, positions);
            int s = cols.out;
            for (int y = 0; y < rows.out; y++) {
                int r0 = rows.low[y] * width;
                int r1 = rows.high[y] * width;
                double fy = rows.frac[y];
                for (int x = 0; x < s; x++) {
                    int c0 = cols.low[x];
                    int c1 = cols.high[x];
                    double fx = cols.frac[x];
                    double top = d[r0 + c0] + fx * (d[r0 + c1] - d[r0 + c0]);
                    double bottom = d[r1 + c0] + fx * (d[r1 + c1] - d[r1 + c0]);
                    product[y * s + x] *= top + fy * (bottom - top); // Eq. 4
                }
            }
        }
    }

    /**
     * Bilinear sampling positions along one axis, from {@code in} to {@code out} samples with
     * half-pixel centres: output {@code o} reads input {@code (o + ½)·in/out − ½}, clamped at 0.
     */
    private static final class Resampling {
        final int out;
        final int[] low;
        final int[] high;
        final double[] frac;

        Resampling(int in, int out) {
            this.out = out;
            low = new int[out];
            high = new int[out];
            frac = new double[out];
            double scale = (double) in / out;
            for (int o = 0; o < out; o++) {
                double src = Math.max(0, (o + 0.5) * scale - 0.5);
                low[o] = Math.min((int) src, in - 1);
                high[o] = Math.min(low[o] + 1, in - 1);
                frac[o] = src - low[o];
            }
        }
    }
}
