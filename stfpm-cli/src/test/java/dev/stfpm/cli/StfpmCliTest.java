package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The command line is built with the command a run names, and with all of them otherwise. */
class StfpmCliTest {

    private static final String[] ALL = {"demo", "train", "test", "predict", "evaluate", "calibrate", "export", "serve",
        "benchmark"};

    @Test
    void aRunThatNamesACommandIsBuiltWithThatCommandAlone() {
        assertThat(StfpmCli.commandLine("predict", "--out", "train", "images").getSubcommands()).containsOnlyKeys("predict");
        assertThat(StfpmCli.commandLine("-q", "--verbose", "train", "--data", "x").getSubcommands()).containsOnlyKeys("train");
        assertThat(StfpmCli.commandLine("benchmark", "--help").getSubcommands()).containsOnlyKeys("benchmark");
    }

    @Test
    void aRunThatNamesNoCommandIsBuiltWithAllOfThemInOrder() {
        assertThat(StfpmCli.commandLine().getSubcommands().keySet()).containsExactly(ALL);
        assertThat(StfpmCli.commandLine("--help").getSubcommands().keySet()).containsExactly(ALL);
        assertThat(StfpmCli.commandLine("-q", "predcit").getSubcommands().keySet()).containsExactly(ALL);
        assertThat(StfpmCli.commandLine("--help", "predict").getSubcommands().keySet()).containsExactly(ALL);
    }

    @Test
    void helpListsEveryCommandAndAMistypedOneIsCorrected() {
        CliRun help = CliRun.of("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).contains(ALL);
        assertThat(CliRun.of("-h", "predict").stdout()).contains(ALL);

        CliRun none = CliRun.of("--quiet");
        assertThat(none.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(none.stderr()).contains("name a command: " + String.join(", ", ALL));

        CliRun typo = CliRun.of("predcit", "--model", "m.stfpm");
        assertThat(typo.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(typo.stderr()).contains("predcit").contains("predict");
    }

    @Test
    void aCommandBuiltAloneStillTakesTheInheritedOptionsAfterItsName() {
        CliRun help = CliRun.of("predict", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).contains("--quiet").contains("--verbose").contains("--model");
    }
}
