package dev.stfpm.cli;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * How {@code benchmark} runs the categories it has no results for: one after another in child JVMs
 * here ({@link SequentialSuite}), or all at once as Spark tasks (stfpm-spark).
 */
@FunctionalInterface
public interface SuiteRunner {

    /**
     * @param pending the categories to run, in suite order
     * @param status  prints a status line (unless the run is {@code --quiet})
     * @return one outcome per category, in the same order
     * @throws IOException if the runner itself fails (not one category: that is an outcome)
     */
    List<CategoryBenchmark.Outcome> run(List<CategoryBenchmark> pending, Consumer<String> status) throws IOException;
}
