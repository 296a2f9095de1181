package dev.stfpm.nn.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What SameDiff prints during the captured call stays off {@code System.out}; before and after, nothing changes. */
class SameDiffConsoleTest {

    @Test
    void capturesOnlyDuringTheCall() {
        PrintStream before = System.out;
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(seen, true, StandardCharsets.UTF_8);
        System.setOut(console);
        try {
            SameDiffConsole.quietly(() -> System.out.println("Added differentiated op x"));
            System.out.println("after");
            assertThat(seen.toString(StandardCharsets.UTF_8)).isEqualTo("after" + System.lineSeparator());
            assertThat(System.out).isSameAs(console);
        } finally {
            System.setOut(before);
        }
    }
}
