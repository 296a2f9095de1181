package dev.stfpm.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The progress of one task of a command (caching features, an epoch, predicting images...), shown
 * the way the output can take it. Every command shows its progress through this class.
 *
 * <ul>
 *   <li>{@link Mode#BAR} on a terminal ({@code System.console() != null}): a progress bar
 *       (me.tongfei:progressbar) with elapsed time and ETA, redrawn in place, cleared when the task
 *       ends;</li>
 *   <li>{@link Mode#LINES} otherwise (pipes, CI logs, tests): plain lines, at most one every
 *       {@value #LINE_INTERVAL_SECONDS} s, and one at least that often even while no step is
 *       made, so a log never goes silent for longer;</li>
 *   <li>{@link Mode#OFF} with {@code --quiet}: nothing.</li>
 * </ul>
 *
 * In the first two modes the task ends with one line, {@code <task>: <total> <unit> in <time>}, or
 * with a line of the caller's ({@link #close(String)}). The system property {@value #MODE_PROPERTY}
 * ({@code bar}, {@code lines} or {@code off}) overrides the choice of mode.
 *
 * <p>A task whose size is unknown ({@link #start(CommandSpec, String)}) shows only its elapsed
 * time, and ends with {@code <task>: done in <time>} once {@link #complete()} was called.
 *
 * <p>Typical use in a command ({@code spec} is its {@code @Spec CommandSpec}):
 *
 * <pre>{@code
 * try (ConsoleProgress progress = ConsoleProgress.start(spec, "predicting", images.size(), "images")) {
 *     for (List<Path> chunk : chunks) {
 *         predict(chunk);
 *         progress.step(chunk.size());
 *     }
 * }
 * }</pre>
 *
 * <p>Lines go to the command's {@code getOut()} writer; the bar goes to {@code System.out} as it
 * was when the task started. Do not print other lines while a bar is showing: print them before
 * {@link #start} or after {@link #close}, or pass one to {@link #close(String)}. Status lines that
 * {@code --quiet} should hide go through {@link #status}. Thread-safe.
 */
final class ConsoleProgress implements AutoCloseable {

    /** How progress is shown. */
    enum Mode {
        /** A progress bar redrawn in place (a terminal). */
        BAR,
        /** Plain periodic lines (not a terminal). */
        LINES,
        /** Nothing ({@code --quiet}). */
        OFF
    }

    /** System property that forces a mode: {@code bar}, {@code lines} or {@code off}. */
    static final String MODE_PROPERTY = "stfpm.progress";
    /** Seconds between two lines in {@link Mode#LINES}, at most and at least. */
    static final int LINE_INTERVAL_SECONDS = 5;
    private static final long LINE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(LINE_INTERVAL_SECONDS);
    /** Wakes open {@link Mode#LINES} tasks once a second, so that a line comes even without steps. */
    private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "stfpm-progress");
        thread.setDaemon(true);
        return thread;
    });

    private final Mode mode;
    private final PrintWriter out;
    private final String task;
    private final long total;
    private final String unit;
    private final LongSupplier clock;
    private final long started;
    private final ProgressBar bar;
    private final ScheduledFuture<?> ticking;
    private long done;
    private long lastLine;
    private String extra = "";
    private boolean closed;

    /**
     * Starts showing a task's progress for a command, as its verbosity and output allow.
     *
     * @param spec  the command's spec: its {@code getOut()} writer and the run's {@link Verbosity}
     * @param task  what is being done, e.g. {@code "predicting"} (starts each line)
     * @param total steps in all; 0 or less if unknown (as {@link #start(CommandSpec, String)})
     * @param unit  what a step is, plural, e.g. {@code "images"}
     * @return the task's progress; close it when the task ends
     */
    static ConsoleProgress start(CommandSpec spec, String task, long total, String unit) {
        return start(spec.commandLine().getOut(), mode(Verbosity.of(spec)), task, total, unit);
    }

    /**
     * Starts showing the progress of a task whose size is unknown (e.g. a library call that reports
     * nothing): elapsed time only. Call {@link #complete()} when it succeeded, then close it.
     *
     * @param spec the command's spec
     * @param task what is being done, e.g. {@code "writing reports"}
     * @return the task's progress
     */
    static ConsoleProgress start(CommandSpec spec, String task) {
        return start(spec, task, 0, "");
    }

    /**
     * Starts showing a task's progress in a given mode.
     *
     * @param out   where lines go
     * @param mode  how to show it ({@link #mode(Verbosity)} chooses as commands do)
     * @param task  what is being done
     * @param total steps in all
     * @param unit  what a step is, plural
     * @return the task's progress
     */
    static ConsoleProgress start(PrintWriter out, Mode mode, String task, long total, String unit) {
        return new ConsoleProgress(out, mode, task, total, unit, System::nanoTime, true);
    }

    /**
     * @param out       where lines go
     * @param mode      how to show progress
     * @param task      what is being done
     * @param total     steps in all
     * @param unit      what a step is
     * @param clock     nanosecond clock (tests inject one)
     * @param heartbeat whether a timer prints lines while no steps come ({@link Mode#LINES})
     */
    ConsoleProgress(PrintWriter out, Mode mode, String task, long total, String unit, LongSupplier clock,
                    boolean heartbeat) {
        this.out = out;
        this.mode = mode;
        this.task = task;
        this.total = Math.max(0, total);
        this.unit = unit;
        this.clock = clock;
        this.started = clock.getAsLong();
        this.lastLine = started;
        this.bar = mode == Mode.BAR ? bar(task, this.total > 0 ? this.total : -1, unit) : null;
        this.ticking = mode == Mode.LINES && heartbeat
                ? TICKER.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS) : null;
    }

    /**
     * The mode commands use: {@link Mode#OFF} when quiet, else {@value #MODE_PROPERTY} if set, else
     * {@link Mode#BAR} on a terminal and {@link Mode#LINES} elsewhere.
     *
     * @param verbosity the run's verbosity
     * @return the mode
     */
    static Mode mode(Verbosity verbosity) {
        if (!verbosity.showsProgress()) {
            return Mode.OFF;
        }
        String forced = System.getProperty(MODE_PROPERTY);
        for (Mode m : Mode.values()) {
            if (m.name().equalsIgnoreCase(forced == null ? "" : forced.strip())) {
                return m;
            }
        }
        return System.console() != null ? Mode.BAR : Mode.LINES;
    }

    /**
     * Prints a status line (what a command is about to do, or did, short of its result) unless the
     * run is {@code --quiet}. Not while a bar is showing.
     *
     * @param spec the command's spec
     * @param line the line
     */
    static void status(CommandSpec spec, String line) {
        if (Verbosity.of(spec).showsProgress()) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(line);
            out.flush();
        }
    }

    /** One more step done. */
    void step() {
        step(1);
    }

    /**
     * More steps done.
     *
     * @param steps how many
     */
    synchronized void step(long steps) {
        stepTo(done + steps);
    }

    /**
     * Steps done so far.
     *
     * @param steps how many in all, of {@code total}
     */
    synchronized void stepTo(long steps) {
        if (total == 0) {
            return;
        }
        done = Math.min(total, Math.max(done, steps));
        if (bar != null) {
            bar.stepTo(done);
        } else if (mode == Mode.LINES && clock.getAsLong() - lastLine >= LINE_INTERVAL_NANOS && done < total) {
            line();
        }
    }

    /**
     * Sets text shown after the counts and times, e.g. {@code "run ETA 41 min 10 s"}.
     *
     * @param message the text, or empty
     */
    synchronized void message(String message) {
        extra = message == null ? "" : message;
        if (bar != null) {
            bar.setExtraMessage(extra.isEmpty() ? "" : " " + extra);
        }
    }

    /** All the work is done: all steps of a task of known size, or a task of unknown size. */
    synchronized void complete() {
        if (total == 0) {
            done = 1;
        } else {
            stepTo(total);
        }
    }

    /** @return seconds since the task started */
    double elapsedSeconds() {
        return (clock.getAsLong() - started) / 1e9;
    }

    /** Prints a line if none came for {@value #LINE_INTERVAL_SECONDS} s (the heartbeat timer calls it). */
    synchronized void tick() {
        if (!closed && mode == Mode.LINES && clock.getAsLong() - lastLine >= LINE_INTERVAL_NANOS) {
            line();
        }
    }

    /**
     * Ends the task. If all steps were done, prints {@code <task>: <total> <unit> in <time>} (not in
     * {@link Mode#OFF}); if not (the task failed), prints nothing more and clears the bar. A task of
     * unknown size prints {@code <task>: done in <time>} if {@link #complete()} was called.
     */
    @Override
    public void close() {
        finish(null);
    }

    /**
     * Ends the task, printing a line of the caller's instead of the generic last line (not in
     * {@link Mode#OFF}), e.g. an epoch's losses.
     *
     * @param summary the line
     */
    void close(String summary) {
        finish(summary);
    }

    private synchronized void finish(String summary) {
        if (closed) {
            return;
        }
        closed = true;
        if (ticking != null) {
            ticking.cancel(false);
        }
        if (bar != null) {
            bar.close();
        }
        if (mode == Mode.OFF) {
            return;
        }
        if (summary != null) {
            println(summary);
        } else if (total == 0 && done > 0) {
            println(String.format(Locale.ROOT, "%s: done in %s", task, duration(elapsedSeconds())));
        } else if (total > 0 && done >= total) {
            println(String.format(Locale.ROOT, "%s: %d %s in %s", task, total, unit, duration(elapsedSeconds())));
        }
    }

    private void line() {
        lastLine = clock.getAsLong();
        double elapsed = (lastLine - started) / 1e9;
        StringBuilder s = new StringBuilder(total == 0
                ? String.format(Locale.ROOT, "%s: %s", task, duration(elapsed))
                : String.format(Locale.ROOT, "%s: %d/%d %s (%d%%), %s", task, done, total, unit, done * 100 / total,
                        duration(elapsed)));
        if (done > 0 && done < total) {
            s.append(", ETA ").append(duration(elapsed * (total - done) / done));
        }
        if (!extra.isEmpty()) {
            s.append(", ").append(extra);
        }
        println(s.toString());
    }

    private void println(String line) {
        out.println(line);
        out.flush();
    }

    /**
     * A duration for people: {@code 8.1 s}, {@code 4 min 05 s}, {@code 1 h 02 min}.
     *
     * @param seconds the duration
     * @return it, formatted
     */
    static String duration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            return "?";
        }
        if (seconds < 59.95) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        long m = Math.round(seconds / 60);
        return String.format(Locale.ROOT, "%d h %02d min", m / 60, m % 60);
    }

    private static ProgressBar bar(String task, long total, String unit) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .continuousUpdate()
                .clearDisplayOnFinish()
                .setConsumer(new BarConsumer(System.out))
                .build();
    }

    /**
     * Draws the bar in place with carriage returns; its last state is cleared, not left behind, so
     * that the task's last line takes its place.
     */
    private static final class BarConsumer implements ProgressBarConsumer {
        private final PrintStream out;
        private final int width;

        BarConsumer(PrintStream out) {
            this.out = out;
            int w;
            try {
                w = new ConsoleProgressBarConsumer(out).getMaxRenderedLength();
            } catch (RuntimeException | LinkageError e) {
                w = 80;
            }
            this.width = Math.max(40, w) - 1;
        }

        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public void accept(String rendered) {
            out.print('\r' + (rendered.length() > width ? rendered.substring(0, width) : rendered));
            out.flush();
        }

        @Override
        public void clear() {
            out.print('\r' + " ".repeat(width) + '\r');
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
