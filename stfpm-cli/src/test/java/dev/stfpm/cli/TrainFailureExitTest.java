package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stfpm train}'s exit codes when the options are out of range (2, checked before any file is
 * read) and when training diverges before any epoch can be kept (1): one line each, no stack trace;
 * and its report when training diverges later (0, the best finite epoch saved).
 */
class TrainFailureExitTest {

    @TempDir
    Path tmp;

    private CliRun train(String... options) throws IOException {
        Path data = tmp.resolve("tiny");
        if (!java.nio.file.Files.isDirectory(data)) {
            TinyCategory.write(data);
        }
        String[] args = new String[6 + options.length];
        String[] fixed = {"train", "--data", data.toString(), "--out", tmp.resolve("m.stfpm").toString()};
        System.arraycopy(fixed, 0, args, 0, fixed.length);
        System.arraycopy(options, 0, args, fixed.length, options.length);
        args[args.length - 1] = "--quiet";
        return CliRun.of(args);
    }

    private static void assertOneLine(CliRun run, int exit, String... contains) {
        assertThat(run.exit()).as(run.stderr()).isEqualTo(exit);
        assertThat(run.stderr()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(run.stderr().strip().lines()).as(run.stderr()).hasSize(1);
        assertThat(run.stderr()).contains(contains);
    }

    @Test
    void infiniteLearningRateExitsTwoInOneLine() throws IOException {
        assertOneLine(train("--lr", "Infinity"), StfpmCli.BAD_INPUT, "stfpm train: --lr", "Infinity", "finite");
        assertOneLine(train("--lr", "NaN"), StfpmCli.BAD_INPUT, "--lr", "NaN");
        assertOneLine(train("--momentum", "NaN"), StfpmCli.BAD_INPUT, "--momentum");
        assertOneLine(train("--weight-decay", "Infinity"), StfpmCli.BAD_INPUT, "--weight-decay");
        assertOneLine(train("--train-fraction", "1.5"), StfpmCli.BAD_INPUT, "--train-fraction", "(0, 1]");
        assertThat(tmp.resolve("m.stfpm")).doesNotExist();
    }

    @Test
    void hugeImageSizeExitsTwoInOneLine() throws IOException {
        assertOneLine(train("--image-size", "100000"), StfpmCli.BAD_INPUT, "stfpm train: --image-size", "100000", "1024");
        assertThat(tmp.resolve("m.stfpm")).doesNotExist();
    }

    @Test
    void aLearningRateThatDivergesAtOnceExitsOneInOneLineAndSavesNothing() throws IOException {
        CliRun run = train("--lr", "1e20", "--epochs", "2", "--batch-size", "2", "--image-size", "64");
        assertOneLine(run, StfpmCli.FAILURE, "stfpm train: training diverged at epoch 1", "nothing was saved",
                "lower learning rate");
        assertThat(tmp.resolve("m.stfpm")).doesNotExist();
    }

    @Test
    void aLearningRateThatDivergesLaterStopsEarlyAndSavesTheBestEpoch() throws IOException {
        CliRun run = train("--lr", "1e5", "--epochs", "4", "--batch-size", "1", "--image-size", "64");
        assertThat(run.exit()).as(run.stderr()).isZero();
        // with the shipped teacher, on TinyCategory: epochs 1-2 finite, epoch 3 NaN
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "training stopped early at epoch (\\d) of 4: the loss became NaN or infinite.*keeping epoch (\\d)")
                .matcher(run.stdout());
        assertThat(m.find()).as(run.stdout() + run.stderr()).isTrue();
        assertThat(Integer.parseInt(m.group(2))).as("the kept epoch is one before the stop").isLessThan(Integer.parseInt(m.group(1)));
        assertThat(run.stdout()).contains("saved");
        assertThat(tmp.resolve("m.stfpm")).isRegularFile();
    }
}
