package dev.stfpm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code stfpm benchmark}'s way: one category after another, each command in its own JVM
 * ({@link CommandRunner#CHILD_JVM}) so that its time and peak memory are its own, with the suite's ETA.
 */
final class SequentialSuite implements SuiteRunner {

    @Override
    public List<CategoryBenchmark.Outcome> run(List<CategoryBenchmark> pending, Consumer<String> status) {
        List<CategoryBenchmark.Outcome> outcomes = new ArrayList<>();
        long started = System.nanoTime();
        for (CategoryBenchmark category : pending) {
            int measured = outcomes.size();
            double secondsPerCategory = (System.nanoTime() - started) / 1e9 / Math.max(1, measured);
            String eta = measured == 0 ? ""
                    : ", suite ETA " + ConsoleProgress.duration(secondsPerCategory * (pending.size() - measured));
            status.accept(category.step() + ": training and testing" + eta);
            outcomes.add(category.runCatching(CommandRunner.CHILD_JVM));
        }
        return outcomes;
    }
}
