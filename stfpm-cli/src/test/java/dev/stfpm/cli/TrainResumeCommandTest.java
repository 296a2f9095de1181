package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.data.MvtecCategory;
import dev.stfpm.nn.EpochResult;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.StfpmTrainer;
import dev.stfpm.nn.TrainingCheckpoint;
import dev.stfpm.nn.onnx.Teacher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stfpm train --resume}: refuses without a checkpoint; continues a killed run's to the uninterrupted model. */
class TrainResumeCommandTest {

    @TempDir
    Path tmp;

    @Test
    void resumeWithoutACheckpointExitsTwoInOneLine() throws IOException {
        Path data = TinyCategory.write(tmp.resolve("tiny"));
        CliRun run = CliRun.of("train", "--data", data.toString(), "--out", tmp.resolve("m.stfpm").toString(),
                "--epochs", "2", "--batch-size", "2", "--image-size", "64", "--resume", "--quiet");
        assertThat(run.exit()).as(run.stderr()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(run.stderr()).doesNotContain("\tat ").contains("m.stfpm.checkpoint")
                .contains("no training checkpoint to resume from");
        assertThat(run.stderr().strip().lines()).as(run.stderr()).hasSize(1);
        assertThat(tmp.resolve("m.stfpm")).doesNotExist();

        CliRun same = CliRun.of("train", "--data", data.toString(), "--out", tmp.resolve("m.stfpm").toString(),
                "--checkpoint", tmp.resolve("m.stfpm").toString(), "--quiet");
        assertThat(same.exit()).as(same.stderr()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(same.stderr()).contains("is also --out");
    }

    @Test
    void aCheckpointOfAKilledRunIsResumedToTheUninterruptedRunsModel() throws IOException {
        Path data = TinyCategory.write(tmp.resolve("tiny"));
        String[] options = {"--data", data.toString(), "--epochs", "2", "--batch-size", "2", "--image-size", "64",
            "--quiet"};
        Path whole = tmp.resolve("whole.stfpm");
        CliRun uninterrupted = CliRun.of(concat(new String[] {"train", "--out", whole.toString()}, options));
        assertThat(uninterrupted.exit()).as(uninterrupted.stderr()).isZero();
        assertThat(TrainingCheckpoint.beside(whole)).as("removed once the model is saved").doesNotExist();

        // what `stfpm train --out resumed.stfpm` would have left when killed after epoch 1
        StfpmConfig config = StfpmConfig.paper().withImageSize(64).withEpochs(2).withBatchSize(2);
        Teacher teacher = Teacher.imagenetResNet18();
        Path resumed = tmp.resolve("resumed.stfpm");
        Path checkpoint = TrainingCheckpoint.beside(resumed);
        List<Path> images = MvtecCategory.open(data).trainImages();
        assertThatThrownBy(() -> new StfpmTrainer(config).train(teacher.pyramid(config), images,
                teacher.provenance(data), new StfpmTrainer.Listener() {
                    @Override
                    public void epochDone(EpochResult result) {
                        throw new IllegalStateException("killed");
                    }
                }, checkpoint)).hasMessage("killed");
        assertThat(checkpoint).exists();

        CliRun resume = CliRun.of(concat(new String[] {"train", "--out", resumed.toString(), "--resume"}, options));
        assertThat(resume.exit()).as(resume.stderr()).isZero();
        assertThat(checkpoint).doesNotExist();
        try (StfpmModel a = StfpmModel.load(whole); StfpmModel b = StfpmModel.load(resumed)) {
            assertThat(b.student().graph().params().dup().data().asDouble())
                    .isEqualTo(a.student().graph().params().dup().data().asDouble());
            assertThat(b.history().epochs()).extracting(EpochResult::validationLoss)
                    .isEqualTo(a.history().epochs().stream().map(EpochResult::validationLoss).toList());
            assertThat(b.history().bestEpoch()).isEqualTo(a.history().bestEpoch());
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
