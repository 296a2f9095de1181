package dev.stfpm.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The per-position distance between teacher and student features, Eq. 1 of the paper:
 * {@code ℓ(I)_ij = ½ ‖F̂t(I)_ij − F̂s(I)_ij‖²}, where {@code F̂} is the feature vector at
 * position {@code (i, j)} divided by its L2 norm over the channels.
 *
 * <p>Written once, as a SameDiff expression, and used both by the training loss
 * ({@link PyramidMatchingLoss}) and by the anomaly map ({@link AnomalyMap}), so that training and
 * testing measure exactly the same thing.
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
     * Eq. 1 at every position.
     *
     * @param sd      the graph to add the expression to
     * @param teacher teacher features, {@code [N, C, H, W]}
     * @param student student features, same shape
     * @return {@code [N, H, W]} distances
     */
    public static SDVariable perPosition(SameDiff sd, SDVariable teacher, SDVariable student) {
        SDVariable diff = normalised(sd, teacher).sub(normalised(sd, student));
        return diff.mul(diff).sum(CHANNEL).mul(0.5); // Eq. 1
    }

    /** Divides each position's channel vector by {@code max(‖x‖, EPS)}. */
    private static SDVariable normalised(SameDiff sd, SDVariable x) {
        SDVariable squaredNorm = x.mul(x).sum(true, CHANNEL);
        SDVariable norm = sd.math.sqrt(sd.math.max(squaredNorm, sd.constant(EPS * EPS).castTo(x.dataType())));
        return x.div(norm);
    }
}
