package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stfpm.cli.ConsoleProgress.Mode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ConsoleProgress}'s plain-line mode on an injected clock, the choice of mode, and its time format. */
class ConsoleProgressTest {

    private final StringWriter text = new StringWriter();
    private final PrintWriter out = new PrintWriter(text);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @AfterEach
    void clearProperty() {
        System.clearProperty(ConsoleProgress.MODE_PROPERTY);
    }

    private ConsoleProgress lines(String task, long total, String unit) {
        return new ConsoleProgress(out, Mode.LINES, task, total, unit, nanos::get, false);
    }

    private void advance(double seconds) {
        nanos.addAndGet((long) (seconds * TimeUnit.SECONDS.toNanos(1)));
    }

    private List<String> printed() {
        out.flush();
        return text.toString().lines().toList();
    }

    @Test
    void printsAtMostOneLineEveryFiveSecondsAndTheLast() {
        try (ConsoleProgress p = lines("predicting", 100, "images")) {
            for (int i = 0; i < 100; i++) {
                advance(0.5); // 50 s in all
                p.step();
            }
        }
        List<String> lines = printed();
        assertThat(lines).hasSize(50 / 5 - 1 + 1); // at 5, 10, ... 45 s, then the last line at 50 s
        assertThat(lines.get(0)).isEqualTo("predicting: 10/100 images (10%), 5.0 s, ETA 45.0 s");
        assertThat(lines.get(8)).startsWith("predicting: 90/100 images (90%), 45.0 s, ETA 5.0 s");
        assertThat(lines.get(9)).isEqualTo("predicting: 100 images in 50.0 s");
    }

    @Test
    void fastTasksPrintOnlyTheirLastLine() {
        try (ConsoleProgress p = lines("caching teacher features", 10, "images")) {
            for (int i = 0; i < 10; i++) {
                advance(0.1);
                p.step();
            }
        }
        assertThat(printed()).containsExactly("caching teacher features: 10 images in 1.0 s");
    }

    @Test
    void heartbeatKeepsTheLogFromGoingSilentWithoutSteps() {
        ConsoleProgress p = lines("epoch 1/100", 6, "batches");
        p.message("run ETA 2 h 10 min");
        for (int s = 0; s < 12; s++) {
            advance(1);
            p.tick();
        }
        assertThat(printed()).containsExactly(
                "epoch 1/100: 0/6 batches (0%), 5.0 s, run ETA 2 h 10 min",
                "epoch 1/100: 0/6 batches (0%), 10.0 s, run ETA 2 h 10 min");
        advance(1);
        p.step();
        p.close("epoch   1/100  loss 1.00000  val 1.00000");
        p.tick();
        assertThat(printed()).hasSize(3).last().isEqualTo("epoch   1/100  loss 1.00000  val 1.00000");
    }

    @Test
    void anUnfinishedTaskEndsWithoutALastLine() {
        ConsoleProgress p = lines("predicting", 10, "images");
        p.step(3);
        p.close();
        p.close();
        assertThat(printed()).isEmpty();
    }

    @Test
    void aTaskOfUnknownSizeShowsItsTime() {
        try (ConsoleProgress p = lines("writing reports", 0, "")) {
            advance(6);
            p.tick();
            advance(1);
            p.complete();
        }
        ConsoleProgress failed = lines("writing reports", 0, "");
        failed.close();
        assertThat(printed()).containsExactly("writing reports: 6.0 s", "writing reports: done in 7.0 s");
    }

    @Test
    void offPrintsNothing() {
        ConsoleProgress p = new ConsoleProgress(out, Mode.OFF, "predicting", 10, "images", nanos::get, false);
        for (int i = 0; i < 10; i++) {
            advance(10);
            p.step();
            p.tick();
        }
        p.close("summary");
        assertThat(printed()).isEmpty();
    }

    @Test
    void quietTurnsProgressOffAndThePropertyForcesAMode() {
        assertThat(ConsoleProgress.mode(Verbosity.QUIET)).isEqualTo(Mode.OFF);
        System.setProperty(ConsoleProgress.MODE_PROPERTY, "lines");
        assertThat(ConsoleProgress.mode(Verbosity.NORMAL)).isEqualTo(Mode.LINES);
        assertThat(ConsoleProgress.mode(Verbosity.QUIET)).isEqualTo(Mode.OFF);
        System.setProperty(ConsoleProgress.MODE_PROPERTY, "Bar");
        assertThat(ConsoleProgress.mode(Verbosity.VERBOSE)).isEqualTo(Mode.BAR);
        System.clearProperty(ConsoleProgress.MODE_PROPERTY);
        assertThat(ConsoleProgress.mode(Verbosity.NORMAL))
                .isEqualTo(System.console() == null ? Mode.LINES : Mode.BAR);
    }

    @Test
    void durationsReadAsPeopleSayThem() {
        assertThat(ConsoleProgress.duration(8.06)).isEqualTo("8.1 s");
        assertThat(ConsoleProgress.duration(59.99)).isEqualTo("1 min 00 s");
        assertThat(ConsoleProgress.duration(245)).isEqualTo("4 min 05 s");
        assertThat(ConsoleProgress.duration(3720)).isEqualTo("1 h 02 min");
        assertThat(ConsoleProgress.duration(Double.NaN)).isEqualTo("?");
    }
}
