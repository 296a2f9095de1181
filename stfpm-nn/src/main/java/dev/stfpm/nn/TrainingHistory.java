package dev.stfpm.nn;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;

/**
 * Provenance of a trained model: where its data and teacher came from and how training went.
 *
 * @param dataset         the training images' folder
 * @param trainImages     images the student was trained on
 * @param validationImages images held out to choose the best epoch
 * @param teacherSource   where the teacher weights were read from
 * @param teacherSha256   SHA-256 of that file, hex
 * @param epochs          every epoch's result, in order
 * @param bestEpoch       the epoch whose student was kept
 * @param seconds         total wall time, teacher feature caching included
 * @param createdAt       ISO-8601 instant training finished
 * @param software        library and backend versions
 * @param stoppedEarlyAt  the epoch at which training stopped because the loss became NaN or
 *                        infinite (that epoch is in {@code epochs}, its student was not kept), or 0
 *                        if every configured epoch ran
 */
public record TrainingHistory(
        String dataset,
        int trainImages,
        int validationImages,
        String teacherSource,
        String teacherSha256,
        List<EpochResult> epochs,
        int bestEpoch,
        double seconds,
        String createdAt,
        String software,
        int stoppedEarlyAt) {

    /** Copies the epoch list. */
    @JsonCreator
    public TrainingHistory {
        epochs = List.copyOf(epochs);
    }

    /** @return whether training stopped before its last configured epoch because the loss diverged */
    public boolean stoppedEarly() {
        return stoppedEarlyAt > 0;
    }

    /** @return the validation loss of the kept epoch, or NaN without validation split */
    public double bestValidationLoss() {
        return epochs.stream().filter(e -> e.epoch() == bestEpoch).mapToDouble(EpochResult::validationLoss)
                .findFirst().orElse(Double.NaN);
    }
}
