package dev.stfpm.spark;

import dev.stfpm.cli.CategoryBenchmark;
import dev.stfpm.cli.CommandRunner;
import dev.stfpm.cli.SuiteRunner;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code stfpm-spark benchmark}'s way of running a suite: one Spark task per category, each training
 * and testing its category in the executor's JVM ({@link CommandRunner#IN_PROCESS}), all at once as far
 * as the cluster's task slots allow, the rows gathered on the driver. The categories' folders and the
 * output folder must be on a file system every executor sees at the same path (NFS, a shared disk).
 * A training takes every core of its machine: give each task a whole executor with {@code --conf
 * spark.task.cpus=<cores per executor>}.
 */
final class SparkSuite implements SuiteRunner {

    /** Where the tasks run: the benchmark command's {@code --master} and {@code --conf} (a picocli mixin). */
    final SparkOptions spark = new SparkOptions();

    @Override
    public List<CategoryBenchmark.Outcome> run(List<CategoryBenchmark> pending, Consumer<String> status) {
        if (pending.isEmpty()) {
            return List.of();
        }
        SparkSession session = spark.session("stfpm-spark benchmark");
        try {
            status.accept(pending.size() + " categories as Spark tasks on " + session.sparkContext().master()
                    + ": training and testing");
            return JavaSparkContext.fromSparkContext(session.sparkContext())
                    .parallelize(pending, pending.size())
                    .map(category -> category.runCatching(CommandRunner.IN_PROCESS))
                    .collect();
        } finally {
            spark.release(session);
        }
    }
}
