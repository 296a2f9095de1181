package dev.stfpm.nn;

/**
 * What one training epoch achieved.
 *
 * @param epoch          1-based epoch number
 * @param trainLoss      mean per-image loss (Eq. 3) over the epoch's training steps
 * @param validationLoss mean per-image loss on the validation images after the epoch, in
 *                       inference mode; {@code NaN} when there is no validation split
 * @param seconds        wall time of the epoch, validation included
 * @param best           whether this epoch's student is the best so far (the one kept)
 */
public record EpochResult(int epoch, double trainLoss, double validationLoss, double seconds, boolean best) {
}
