package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.BadInputException;
import dev.stfpm.core.StfpmConfig;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Checkpoints after every epoch, and a run killed after an epoch resumed to the uninterrupted run's model, exactly. */
class StfpmTrainerResumeTest {

    /** A rate at which a later epoch is worse than an earlier one, so the best parameters must survive the resume. */
    private static final StfpmConfig SMALL = StfpmConfig.paper().withImageSize(64).withEpochs(4).withBatchSize(4)
            .withLearningRate(2.0);

    /** Stands for {@code kill -9}: stops the run after an epoch, once its checkpoint is written. */
    private static final class Crash extends RuntimeException {
    }

    private static StfpmTrainer.Listener crashAfter(int epoch, Path checkpoint) {
        return new StfpmTrainer.Listener() {
            @Override
            public void epochDone(EpochResult result) {
                assertThat(checkpoint).as("the epoch's checkpoint is written before the listener hears of it").exists();
                if (result.epoch() == epoch) {
                    throw new Crash();
                }
            }
        };
    }

    /**
     * The values, exactly: {@code INDArray.equals} allows a difference of 1e-5. Float to double is
     * exact, and {@code double[]} equality compares bits.
     */
    private static double[] bits(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    @Test
    void aRunKilledAfterAnEpochAndResumedGivesTheUninterruptedRunsModelBitForBit(@TempDir Path dir) throws IOException {
        List<Path> files = StfpmTrainerTestImages.images(dir, 10);
        FeaturePyramid teacher = FeaturePyramid.teacher(SMALL);
        StfpmTrainer.Provenance provenance = new StfpmTrainer.Provenance(dir.toString(), "random teacher", "-");
        Path wholeCheckpoint = dir.resolve("whole.checkpoint");
        StfpmModel whole = new StfpmTrainer(SMALL).train(teacher, files, provenance, new StfpmTrainer.Listener() { },
                wholeCheckpoint);

        Path checkpoint = dir.resolve("m.stfpm.checkpoint");
        assertThatThrownBy(() -> new StfpmTrainer(SMALL).train(teacher, files, provenance, crashAfter(1, checkpoint),
                checkpoint)).isInstanceOf(Crash.class);
        TrainingCheckpoint afterOne = TrainingCheckpoint.load(checkpoint);
        assertThat(afterOne.epoch()).isEqualTo(1);
        assertThat(afterOne.epochs()).isEqualTo(whole.history().epochs().subList(0, 1).stream()
                .map(e -> new EpochResult(e.epoch(), e.trainLoss(), e.validationLoss(), afterOne.epochs().get(0).seconds(),
                        e.best())).toList());
        long t0 = System.nanoTime();
        afterOne.save(dir.resolve("timing.checkpoint"));
        System.out.printf("checkpoint: %d bytes, written in %.0f ms%n", Files.size(checkpoint),
                (System.nanoTime() - t0) / 1e6);

        // killed again, after epoch 3 of the resumed run
        assertThatThrownBy(() -> new StfpmTrainer(SMALL).resume(teacher, files, provenance, crashAfter(3, checkpoint),
                checkpoint)).isInstanceOf(Crash.class);
        List<EpochResult> heard = new ArrayList<>();
        StfpmModel resumed = new StfpmTrainer(SMALL).resume(teacher, files, provenance, new StfpmTrainer.Listener() {
            @Override
            public void epochDone(EpochResult result) {
                heard.add(result);
            }
        }, checkpoint);

        System.out.println("epochs: " + whole.history().epochs());
        assertThat(heard).extracting(EpochResult::epoch).containsExactly(4);
        assertThat(bits(resumed.student().graph().params())).isEqualTo(bits(whole.student().graph().params()));
        assertThat(resumed.history().bestEpoch()).isEqualTo(whole.history().bestEpoch());
        assertThat(resumed.history().epochs()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            EpochResult a = resumed.history().epochs().get(i);
            EpochResult b = whole.history().epochs().get(i);
            assertThat(a.trainLoss()).isEqualTo(b.trainLoss());
            assertThat(a.validationLoss()).isEqualTo(b.validationLoss());
            assertThat(a.best()).isEqualTo(b.best());
        }
        // the last epoch's student and momentum (the model holds the best epoch's), from the checkpoints left
        TrainingCheckpoint lastWhole = TrainingCheckpoint.load(wholeCheckpoint);
        TrainingCheckpoint lastResumed = TrainingCheckpoint.load(checkpoint);
        assertThat(lastResumed.epoch()).isEqualTo(4);
        assertThat(bits(lastResumed.params())).isEqualTo(bits(lastWhole.params()));
        assertThat(bits(lastResumed.updaterState())).isEqualTo(bits(lastWhole.updaterState()));
        assertThat(lastResumed.iterationCount()).isEqualTo(lastWhole.iterationCount());
        assertThat(resumed.history().trainImages()).isEqualTo(whole.history().trainImages());
    }

    @Test
    void resumeRefusesAMissingCheckpointAndOneOfAnotherRun(@TempDir Path dir) throws IOException {
        StfpmConfig two = SMALL.withEpochs(1);
        List<Path> files = StfpmTrainerTestImages.images(dir, 5);
        FeaturePyramid teacher = FeaturePyramid.teacher(two);
        StfpmTrainer.Provenance provenance = new StfpmTrainer.Provenance(dir.toString(), "t.onnx", "abc");
        Path checkpoint = dir.resolve("m.checkpoint");
        assertThatThrownBy(() -> new StfpmTrainer(two).resume(teacher, files, provenance, new StfpmTrainer.Listener() { },
                checkpoint)).isInstanceOf(BadInputException.class).hasMessageContaining("m.checkpoint")
                .hasMessageContaining("no training checkpoint");

        new StfpmTrainer(two).train(teacher, files, provenance, new StfpmTrainer.Listener() { }, checkpoint);
        assertThat(checkpoint).exists();
        assertThatThrownBy(() -> new StfpmTrainer(two.withSeed(7)).resume(teacher, files, provenance,
                new StfpmTrainer.Listener() { }, checkpoint)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("other settings");
        assertThatThrownBy(() -> new StfpmTrainer(two).resume(teacher, files,
                new StfpmTrainer.Provenance(dir.toString(), "t.onnx", "def"), new StfpmTrainer.Listener() { }, checkpoint))
                .isInstanceOf(BadInputException.class).hasMessageContaining("teacher").hasMessageContaining("def");
        assertThatThrownBy(() -> new StfpmTrainer(two).resume(teacher, files,
                new StfpmTrainer.Provenance("elsewhere", "t.onnx", "abc"), new StfpmTrainer.Listener() { }, checkpoint))
                .isInstanceOf(BadInputException.class).hasMessageContaining("elsewhere");
        assertThatThrownBy(() -> new StfpmTrainer(two).resume(teacher, files.subList(0, 4), provenance,
                new StfpmTrainer.Listener() { }, checkpoint))
                .isInstanceOf(BadInputException.class).hasMessageContaining("other images");
        Files.writeString(checkpoint, "torn");
        assertThatThrownBy(() -> new StfpmTrainer(two).resume(teacher, files, provenance, new StfpmTrainer.Listener() { },
                checkpoint)).isInstanceOf(BadInputException.class).hasMessageContaining("checkpoint");
    }

    @Test
    void aCheckpointDeserialisesNothingButItsRandomAndRefusesAZipBomb(@TempDir Path dir) throws IOException {
        Path foreign = dir.resolve("foreign.checkpoint");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(foreign))) {
            zip.putNextEntry(new ZipEntry("state.bin"));
            ObjectOutputStream out = new ObjectOutputStream(zip);
            out.writeInt(TrainingCheckpoint.FORMAT);
            for (int i = 0; i < 4; i++) {
                out.writeUTF("x");
            }
            for (int i = 0; i < 5; i++) {
                out.writeInt(0);
            }
            out.writeDouble(0);
            out.writeInt(0);
            out.writeObject(new java.util.Date()); // in place of the Random: any other class is refused
            out.flush();
            zip.closeEntry();
        }
        assertThatThrownBy(() -> TrainingCheckpoint.load(foreign)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(foreign + ": is not a readable training checkpoint").hasMessageContaining("REJECTED");

        Path bomb = dir.resolve("bomb.checkpoint");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bomb))) {
            zip.putNextEntry(new ZipEntry("params.npy"));
            // a valid header claiming 800 MB of float32, followed by zeros
            String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (200000000,), }";
            String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
            zip.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
            zip.write(header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written <= TrainingCheckpoint.LIMIT_BYTES; written += zeros.length) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertThat(Files.size(bomb)).isLessThan(2 << 20);
        assertThatThrownBy(() -> TrainingCheckpoint.load(bomb)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("bomb.checkpoint:params.npy").hasMessageContaining("inflates to more than");
    }
}
