package dev.stfpm.nn;

/**
 * Training diverged (a loss became NaN or infinite) before any epoch produced a student worth
 * keeping, so there is no model. Not a bug and not bad input: the settings (usually the learning
 * rate) do not suit the data. A command line prints the message as one line (exit code 1).
 *
 * <p>When an earlier epoch had a finite loss, the trainer does not throw this: it stops and returns
 * that epoch's student, with {@link TrainingHistory#stoppedEarlyAt()} set.
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The 1-based epoch whose loss was not finite. */
    private final int epoch;

    /**
     * @param epoch   the 1-based epoch whose loss was not finite
     * @param message what happened and what to try
     */
    public TrainingDivergedException(int epoch, String message) {
        super(message);
        this.epoch = epoch;
    }

    /** @return the 1-based epoch whose loss was not finite */
    public int epoch() {
        return epoch;
    }
}
