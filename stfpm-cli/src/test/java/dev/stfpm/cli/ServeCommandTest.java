package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stfpm serve}'s refusals: bad options and a missing model are one line and exit 2, before anything loads. */
class ServeCommandTest {

    @TempDir
    Path tmp;

    @Test
    void portOutOfRangeIsBadInput() {
        CliRun run = CliRun.of("serve", "--model", tmp.resolve("m.stfpm").toString(), "--port", "70000");
        assertThat(run.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(run.stderr().strip()).isEqualTo("stfpm serve: port must be 0 (any free port) to 65535: 70000");
    }

    @Test
    void noWorkersIsBadInput() {
        CliRun run = CliRun.of("serve", "--model", tmp.resolve("m.stfpm").toString(), "--workers", "0");
        assertThat(run.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(run.stderr().strip()).isEqualTo("stfpm serve: workers must be at least 1: 0");
    }

    @Test
    void badRequestSizeNamesTheOption() {
        CliRun run = CliRun.of("serve", "--model", tmp.resolve("m.stfpm").toString(), "--max-request-size", "lots");
        assertThat(run.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(run.stderr()).contains("--max-request-size").contains("not a size").doesNotContain("\tat ");
    }

    @Test
    void missingModelIsBadInput() {
        CliRun run = CliRun.of("serve", "--model", tmp.resolve("missing.stfpm").toString(), "--port", "0");
        assertThat(run.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(run.stderr()).contains("missing.stfpm").doesNotContain("\tat ");
    }
}
