package dev.stfpm.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * How much the command line prints, chosen by the top-level options {@code --quiet} and {@code
 * --verbose} (inherited by every command, so {@code stfpm --quiet train ...} and {@code stfpm train
 * --quiet ...} both work).
 *
 * <ul>
 *   <li>{@link #QUIET}: results and errors only: no progress, no status lines, project warnings and
 *       library errors only in the log;</li>
 *   <li>{@link #NORMAL}: results, progress ({@link ConsoleProgress}) and status lines; the
 *       project's own log at WARN; Deeplearning4j, ND4J and JavaCPP only at ERROR (what SameDiff
 *       prints on {@code System.out} stfpm-nn captures and logs at DEBUG);</li>
 *   <li>{@link #VERBOSE}: as normal, plus the libraries' logs at INFO, the project's at DEBUG, and
 *       what the libraries print on {@code System.out} passed through.</li>
 * </ul>
 *
 * <p>Logging is slf4j-simple, whose levels come from {@code simplelogger.properties} (the normal
 * levels) and from system properties, which win. A logger's level is fixed when it is created, so
 * {@link #configureLogging()} runs before any command, before the first ND4J class loads. Levels
 * given explicitly with {@code -Dorg.slf4j.simpleLogger...} (e.g. in {@code STFPM_JAVA_OPTS}) are
 * left as they are.
 */
enum Verbosity {
    /** Results and errors only. */
    QUIET,
    /** Results, progress and status lines. */
    NORMAL,
    /** Everything, library logs and library output included. */
    VERBOSE;

    private static final String PREFIX = "org.slf4j.simpleLogger.";
    /** The libraries whose logging is noise unless asked for. */
    private static final List<String> LIBRARIES = List.of("org.nd4j", "org.deeplearning4j", "org.bytedeco", "oshi");
    /** jline (used by the progress bar to measure the terminal) logs through java.util.logging. */
    private static final Logger JLINE = Logger.getLogger("org.jline");

    /**
     * @param spec any command's spec
     * @return the verbosity of the run that command belongs to ({@link #NORMAL} outside {@link StfpmCli})
     */
    static Verbosity of(CommandSpec spec) {
        Object root = spec == null ? null : spec.root().userObject();
        return root instanceof StfpmCli cli ? cli.verbosity() : NORMAL;
    }

    /**
     * @param parsed the parse result of the whole command line
     * @return the verbosity asked for by {@code --quiet} / {@code --verbose} on any command of it
     * @throws CommandLine.ParameterException if both are given
     */
    static Verbosity of(ParseResult parsed) {
        boolean quiet = false;
        boolean verbose = false;
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            quiet |= p.hasMatchedOption("--quiet");
            verbose |= p.hasMatchedOption("--verbose");
        }
        if (quiet && verbose) {
            throw new CommandLine.ParameterException(parsed.commandSpec().commandLine(),
                    "--quiet and --verbose exclude each other");
        }
        return quiet ? QUIET : verbose ? VERBOSE : NORMAL;
    }

    /** @return whether status lines and progress are printed */
    boolean showsProgress() {
        return this != QUIET;
    }

    /**
     * Sets the log levels of this verbosity as system properties, for loggers created from now on.
     *
     * @return undoes what was set (for runs inside a longer-lived JVM, such as tests)
     */
    Runnable configureLogging() {
        Map<String, String> levels = new LinkedHashMap<>();
        switch (this) {
            case QUIET -> {
                levels.put("defaultLogLevel", "error");
                levels.put("log.dev.stfpm", "warn");
                LIBRARIES.forEach(l -> levels.put("log." + l, "error"));
            }
            case VERBOSE -> {
                levels.put("defaultLogLevel", "info");
                levels.put("log.dev.stfpm", "debug");
                LIBRARIES.forEach(l -> levels.put("log." + l, "info"));
            }
            default -> {
                // simplelogger.properties holds the normal levels
            }
        }
        List<String> set = new ArrayList<>();
        levels.forEach((key, level) -> {
            if (System.getProperty(PREFIX + key) == null) {
                System.setProperty(PREFIX + key, level);
                set.add(PREFIX + key);
            }
        });
        Level jlineBefore = JLINE.getLevel();
        JLINE.setLevel(this == VERBOSE ? Level.INFO : Level.OFF);
        return () -> {
            set.forEach(System::clearProperty);
            JLINE.setLevel(jlineBefore);
        };
    }
}
