package dev.stfpm.nn;

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
        String software) {

    /** Copies the epoch list. */
    public TrainingHistory {
        epochs = List.copyOf(epochs);
    }

    /** @return the validation loss of the kept epoch, or NaN without validation split */
    public double bestValidationLoss() {
        return epochs.stream().filter(e -> e.epoch() == bestEpoch).mapToDouble(EpochResult::validationLoss)
                .findFirst().orElse(Double.NaN);
    }
}
