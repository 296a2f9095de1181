package dev.stfpm.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The per-position distance between teacher and student features, Eq. 1 of the paper:
 * {@code ℓ(I)_ij = ½ ‖F̂t(I)_ij − F̂s(I)_ij‖²}, where {@code F̂} is the feature vector at
 * position {@code (i, j)} divided by its L2 norm over the channels.
 *
 * <p>Eq. 1 lives here in two forms side by side: a SameDiff expression, which the training loss
 * ({@link PyramidMatchingLoss}) differentiates, and a loop over plain arrays, which the anomaly map
 * ({@link AnomalyMap}) fuses with Eq. 4. {@code FeatureDistanceTest} checks that both give the same
 * distances, so training and testing measure exactly the same thing. Other engines cannot call Java,
 * so Eq. 1 is written again in their terms, each tied to this class's results by a test: as ONNX nodes
 * in {@code OnnxExporter} (checked through ONNX Runtime by {@code OnnxRuntimeModelTest}) and as a
 * CUDA kernel in {@code stfpm-cuda} ({@code CudaAnomalyMapTest}).
 */
public final class FeatureDistance {

    /**
     * Lower bound of a feature vector's norm, as in PyTorch's {@code F.normalize}: an all-zero
     * vector stays zero instead of dividing by zero.
     */
    public static final double EPS = 1e-12;

    /** The channel axis of NCHW feature maps. */
    private static final int CHANNEL = 1;

    private FeatureDistance() {
    }

    /**
     * Eq. 1 at every position, as a SameDiff expression.
     *
     * @param sd      the graph to add the expression to
     * @param teacher teacher features, {@code [N, C, H, W]}
     * @param student student features, same shape
     * @return {@code [N, H, W]} distances
     */
    public static SDVariable perPosition(SameDiff sd, SDVariable teacher, SDVariable student) {
        SDVariable diff = normalised(sd, teacher).sub(normalised(sd, student));
        return sd.squaredNorm(diff, false, CHANNEL).mul(0.5); // Eq. 1
    }

    /** Divides each position's channel vector by {@code max(‖x‖, EPS)}. */
    private static SDVariable normalised(SameDiff sd, SDVariable x) {
        SDVariable norm = sd.math.max(x.norm2(true, CHANNEL), sd.constant(EPS).castTo(x.dataType()));
        return x.div(norm);
    }

    /**
     * Eq. 1 at every position of one image's feature map, on plain arrays (accumulated in double
     * precision).
     *
     * @param teacher   teacher features; the image's {@code [C, H·W]} block starts at {@code offset}
     * @param student   student features, same layout
     * @param offset    where the image's block starts in both arrays
     * @param channels  {@code C}
     * @param positions {@code H·W}
     * @return {@code H·W} distances, row-major
     */
    public static double[] perPosition(float[] teacher, float[] student, int offset, int channels, int positions) {
        double[] teacherScale = inverseNorms(teacher, offset, channels, positions);
        double[] studentScale = inverseNorms(student, offset, channels, positions);
        double[] distance = new double[positions];
        for (int c = 0; c < channels; c++) {
            int row = offset + c * positions;
            for (int p = 0; p < positions; p++) {
                double diff = teacher[row + p] * teacherScale[p] - student[row + p] * studentScale[p];
                distance[p] += diff * diff;
            }
        }
        for (int p = 0; p < positions; p++) {
            distance[p] *= 0.5; // Eq. 1
        }
        return distance;
    }

    /** {@code 1 / max(‖x‖, EPS)} of each position's channel vector. */
    private static double[] inverseNorms(float[] x, int offset, int channels, int positions) {
        double[] squared = new double[positions];
        for (int c = 0; c < channels; c++) {
            int row = offset + c * positions;
            for (int p = 0; p < positions; p++) {
                double v = x[row + p];
                squared[p] += v * v;
            }
        }
        for (int p = 0; p < positions; p++) {
            squared[p] = 1 / Math.max(Math.sqrt(squared[p]), EPS);
        }
        return squared;
    }
}
