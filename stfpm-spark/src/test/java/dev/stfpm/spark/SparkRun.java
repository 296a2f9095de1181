package dev.stfpm.spark;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One in-process run of {@code stfpm-spark} with its output captured (not Spark's log, which goes to
 * {@code System.err}).
 *
 * @param exit   the exit code
 * @param stdout what it printed
 * @param stderr what it printed as errors
 */
record SparkRun(int exit, String stdout, String stderr) {

    static SparkRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = StfpmSpark.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new SparkRun(exit, out.toString(), err.toString());
    }
}
