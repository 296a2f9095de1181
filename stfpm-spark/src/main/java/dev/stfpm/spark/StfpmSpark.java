package dev.stfpm.spark;

import dev.stfpm.cli.BenchmarkCommand;
import dev.stfpm.cli.StfpmCli;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code stfpm-spark} command line (bin/stfpm-spark): {@code score} scores image sets with
 * {@link StfpmScorer} ({@link ScoreImages}); {@code benchmark} is {@code stfpm benchmark} with one Spark
 * task per category ({@link SparkSuite}), the same options, resumption and tables. Errors, exit codes
 * and {@code --quiet}/{@code --verbose} are the {@code stfpm} command line's.
 */
public final class StfpmSpark {

    private StfpmSpark() {
    }

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command line without exiting, for tests and embedding.
     *
     * @param out  where results and progress go
     * @param err  where errors go (Spark's and the libraries' logs go to {@code System.err})
     * @param args the arguments
     * @return the exit code: 0 success, {@value StfpmCli#BAD_INPUT} bad input, {@value StfpmCli#FAILURE} failure
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        SparkSuite suite = new SparkSuite();
        CommandLine benchmark = new CommandLine(new BenchmarkCommand(suite));
        benchmark.addMixin("spark", suite.spark);
        benchmark.getCommandSpec().usageMessage().description(
                "Train and test every category under --root as 'stfpm benchmark' does, one Spark task per category, "
                        + "all at once as far as the task slots allow, and write OUT/benchmark.json, .md and .html.",
                "--root and --out must be on a file system every executor sees at the same path. Give each task a whole "
                        + "executor (--conf spark.task.cpus=<its cores>): a training uses every core it finds.",
                "Every option this command does not know is passed to 'stfpm train' (e.g. --epochs 10 --seed 7); the "
                        + "layout options to 'stfpm test' as well. Resumable as 'stfpm benchmark' is. Peak memory is "
                        + "n/a: the tasks share their executor's JVM.");
        Map<String, Object> commands = new LinkedHashMap<>();
        commands.put("score", new ScoreImages());
        commands.put("benchmark", benchmark);
        return StfpmCli.run("stfpm-spark", commands, out, err, args);
    }
}
