package dev.stfpm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code stfpm} command line: train a student, test it on an MVTec AD category, predict maps
 * for new images, and evaluate any method's maps.
 */
@Command(name = "stfpm", mixinStandardHelpOptions = true, version = "stfpm 0.1.0",
        description = "Student-Teacher Feature Pyramid Matching for anomaly detection (Wang et al., BMVC 2021).",
        subcommands = {TrainCommand.class, TestCommand.class, PredictCommand.class, EvaluateCommand.class})
public final class StfpmCli implements Runnable {

    /** Exit code of a run whose input was wrong (missing file, bad format, bad option). */
    public static final int BAD_INPUT = 2;
    /** Exit code of a run that failed for another reason. */
    public static final int FAILURE = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: train, test, predict or evaluate");
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
        CommandLine cli = new CommandLine(new StfpmCli());
        cli.setExecutionExceptionHandler(StfpmCli::handle);
        return cli.execute(args);
    }

    /** Prints one line for expected failures instead of a stack trace. */
    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof IOException || cause instanceof IllegalArgumentException) {
            err.println("stfpm " + cli.getCommandName() + ": " + cause.getMessage());
            return BAD_INPUT;
        }
        err.println("stfpm " + cli.getCommandName() + ": failed: " + cause);
        cause.printStackTrace(err);
        return FAILURE;
    }
}
