package dev.stfpm.cli;

import dev.stfpm.nn.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code stfpm} command line: train a student, test it on an MVTec AD category, predict maps
 * for new images, evaluate any method's maps, calibrate thresholds on good images, export a model to
 * ONNX, and serve it over HTTP.
 */
@Command(name = "stfpm", mixinStandardHelpOptions = true, version = "stfpm 0.1.0",
        description = "Student-Teacher Feature Pyramid Matching for anomaly detection (Wang et al., BMVC 2021).")
public final class StfpmCli implements Runnable {

    /**
     * The commands, in the order help lists them. Picocli reads every option of every command it is
     * given when the command line is built (0.47 s for all nine, 0.17 s for one, without the
     * class-data-sharing archive of {@code bin/stfpm}); a run that names its command is built with that
     * one alone ({@link #commandLine}).
     */
    private static final List<Class<?>> COMMANDS = List.of(DemoCommand.class, TrainCommand.class, TestCommand.class,
            PredictCommand.class, EvaluateCommand.class, CalibrateCommand.class, ExportCommand.class, ServeCommand.class,
            BenchmarkCommand.class);

    /** Exit code of a run whose input was wrong (missing file, bad format, bad option). */
    public static final int BAD_INPUT = 2;
    /** Exit code of a run that failed for another reason. */
    public static final int FAILURE = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = {"-q", "--quiet"}, scope = CommandLine.ScopeType.INHERIT,
            description = "print only results and errors: no progress, no status lines")
    private boolean quiet;

    @CommandLine.Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "also print the logs and console output of Deeplearning4j and ND4J")
    private boolean verbose;

    /** Set from --quiet / --verbose before the command runs (wherever on the command line they were). */
    private Verbosity verbosity = Verbosity.NORMAL;

    /** @return how much this run prints */
    Verbosity verbosity() {
        return verbosity;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a command: " + String.join(", ", spec.subcommands().keySet()));
    }

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting, for tests and embedding.
     *
     * @param args the arguments
     * @return the exit code: 0 success, {@value #BAD_INPUT} bad input, {@value #FAILURE} failure
     */
    public static int run(String... args) {
        return execute(commandLine(args), args);
    }

    /**
     * The command line for {@code args}: with only the command they name, or with every command when
     * they name none of them (help, a mistyped name: picocli then lists them or suggests one).
     */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new StfpmCli());
        String named = commandName(args);
        for (Class<?> command : COMMANDS) {
            if (named == null || named.equals(name(command))) {
                cli.addSubcommand(command);
            }
        }
        return cli;
    }

    /**
     * The command {@code args} name (their first word that is not an option), if it is one of
     * {@link #COMMANDS} and no top-level help comes before it (that help lists every command).
     */
    private static String commandName(String... args) {
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help")) {
                return null;
            }
            if (!arg.startsWith("-")) { // the top level's options (--quiet, --verbose, --help, --version) take no values
                return COMMANDS.stream().anyMatch(c -> name(c).equals(arg)) ? arg : null;
            }
        }
        return null;
    }

    /** A command's name, as its {@code @Command} annotation gives it. */
    private static String name(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    /**
     * Runs another application's commands (stfpm-spark's) as this command line runs its own: the same
     * {@code --quiet} and {@code --verbose}, logging, one-line errors and exit codes.
     *
     * @param name     the application's name, which starts its error messages
     * @param commands its commands by name: instances of picocli commands, or their {@code CommandLine}s
     * @param out      where results and progress go
     * @param err      where errors go
     * @param args     the arguments
     * @return the exit code: 0 success, {@value #BAD_INPUT} bad input, {@value #FAILURE} failure
     */
    public static int run(String name, Map<String, Object> commands, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new StfpmCli());
        commands.forEach(cli::addSubcommand);
        cli.setCommandName(name);
        cli.setOut(out);
        cli.setErr(err);
        return execute(cli, args);
    }

    /**
     * Runs a command line in this JVM with its output (stdout and stderr) in a file.
     *
     * @param args the arguments
     * @param log  the file
     * @return its exit code, wall time and output (peak memory 0: the JVM's is not the command's)
     * @throws IOException if the log cannot be written or read
     */
    static CommandRunner.Result runLogged(List<String> args, Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        long start = System.nanoTime();
        int exit;
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true)) {
            String[] arguments = args.toArray(String[]::new);
            CommandLine cli = commandLine(arguments);
            cli.setOut(out);
            cli.setErr(out);
            exit = execute(cli, arguments);
        }
        return new CommandRunner.Result(exit, (System.nanoTime() - start) / 1e9, 0, Files.readString(log));
    }

    private static int execute(CommandLine cli, String... args) {
        StfpmCli app = cli.getCommand();
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(StfpmCli::handle);
        cli.setExecutionStrategy(parsed -> {
            // Log levels must be set before the first ND4J class loads: slf4j-simple fixes a logger's
            // level when the logger is created, and ND4J's are created as its classes load.
            app.verbosity = Verbosity.of(parsed);
            Runnable restoreLogging = app.verbosity.configureLogging();
            try {
                return new CommandLine.RunLast().execute(parsed);
            } finally {
                restoreLogging.run();
            }
        });
        return cli.execute(args);
    }

    /**
     * Prints one line for expected failures instead of a stack trace: bad input (a
     * {@link dev.stfpm.core.BadInputException} from a reader of untrusted files, any other
     * {@link IOException}, or an {@link IllegalArgumentException} from option validation such as
     * {@code StfpmConfig}'s) exits {@value #BAD_INPUT}; a training run that diverged before any
     * epoch could be kept ({@link TrainingDivergedException}) exits {@value #FAILURE}. Anything else
     * is a bug: exit {@value #FAILURE} with its stack trace.
     */
    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        String command = cli.getCommandSpec().root().name() + " " + cli.getCommandName();
        if (cause instanceof IOException || cause instanceof IllegalArgumentException) {
            err.println(command + ": " + cause.getMessage());
            return BAD_INPUT;
        }
        if (cause instanceof TrainingDivergedException) {
            err.println(command + ": " + cause.getMessage());
            return FAILURE;
        }
        err.println(command + ": failed: " + cause);
        cause.printStackTrace(err);
        return FAILURE;
    }
}
