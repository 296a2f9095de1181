package dev.stfpm.cli;

import dev.stfpm.nn.EpochResult;
import dev.stfpm.nn.StfpmTrainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Shows a training run's progress: the teacher features being cached, then each epoch's steps
 * with the ETA of the epoch (the bar's or line's own) and of the whole run, the validation's
 * mini-batches, and a line per epoch with its losses.
 */
final class TrainingProgress implements StfpmTrainer.Listener, AutoCloseable {

    private final CommandSpec spec;
    private final int epochs;
    private final long cacheMemory;
    private ConsoleProgress current;
    private long trainingStarted;
    private long stepsDone;
    /** The first epoch this run trains (after a resume, not 1); 0 before it starts. */
    private int firstEpoch;

    /**
     * @param spec   the train command's spec
     * @param epochs      epochs the run will take
     * @param cacheMemory the teacher-feature cache's memory budget, in bytes (named when a set exceeds it)
     */
    TrainingProgress(CommandSpec spec, int epochs, long cacheMemory) {
        this.spec = spec;
        this.epochs = epochs;
        this.cacheMemory = cacheMemory;
    }

    @Override
    public void cachingStarted(int images, long bytes, Optional<Path> directory) {
        directory.ifPresent(dir -> ConsoleProgress.status(spec, String.format("the teacher features of %d images take %s,"
                + " over --cache-memory %s: they go to a temporary file in %s", images, ByteSize.format(bytes),
                ByteSize.format(cacheMemory), dir)));
        current = ConsoleProgress.start(spec, "caching teacher features", images, "images");
    }

    @Override
    public void featuresCached(int done, int total) {
        current.stepTo(done);
        if (done >= total) {
            current.close();
        }
    }

    @Override
    public void epochStarted(int epoch, int batches) {
        if (firstEpoch == 0) { // the first epoch of this run: 1, or the one after a resumed checkpoint's
            trainingStarted = System.nanoTime();
            firstEpoch = epoch;
        }
        current = ConsoleProgress.start(spec, String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), batches,
                "batches");
        if (stepsDone > 0) {
            current.message(runEta(batches));
        }
    }

    @Override
    public void batchDone(int epoch, int batch, int batches) {
        stepsDone++;
        current.message(runEta(batches));
        current.step();
    }

    /** Names the validation on the epoch's finished bar, which would otherwise sit still while it runs. */
    @Override
    public void validationBatchDone(int epoch, int batch, int batches) {
        current.message(String.format(Locale.ROOT, "validating %d/%d", batch, batches));
    }

    @Override
    public void epochDone(EpochResult e) {
        current.close(String.format(Locale.ROOT, "epoch %3d/%d  loss %.5f  val %.5f  %6.1f s%s", e.epoch(), epochs,
                e.trainLoss(), e.validationLoss(), e.seconds(), e.best() ? "  best" : ""));
    }

    /** The whole run's remaining time, from the time per step so far (validation included). */
    private String runEta(int batchesPerEpoch) {
        double perStep = (System.nanoTime() - trainingStarted) / 1e9 / stepsDone;
        long left = (long) (epochs - firstEpoch + 1) * batchesPerEpoch - stepsDone;
        return "run ETA " + ConsoleProgress.duration(perStep * left);
    }

    /** Ends a task left open by a failure (its bar cleared). */
    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
    }
}
