package dev.stfpm.spark;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of {@code stfpm-spark} with its output captured.
 *
 * @param exit   the exit code
 * @param stdout what it printed
 * @param stderr what it printed as errors (Spark's and the libraries' logs too)
 */
record SparkRun(int exit, String stdout, String stderr) {

    static SparkRun of(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            exit = StfpmSpark.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new SparkRun(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }
}
