package dev.stfpm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.eval.report.BenchmarkRow;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One category of a benchmark suite: train on it, test the model, and keep the result as {@code
 * result.json} in its folder. Serializable, with paths as strings, so that a Spark task can run it
 * on an executor that sees the same file system.
 *
 * @param category     the category's folder name
 * @param label        what to call it in messages (the category, with the ablation variant if any)
 * @param step         its place in the suite for progress lines, e.g. {@code [2/15] bottle}
 * @param data         the category's folder
 * @param dir          its output folder: model, logs, test report and {@code result.json}
 * @param trainOptions the options of {@code stfpm train} besides {@code --data} and {@code --out}
 * @param testOptions  the options of {@code stfpm test} besides {@code --model}, {@code --data} and {@code --out}
 * @param report       its HTML report, relative to the suite's output folder
 */
public record CategoryBenchmark(String category, String label, String step, String data, String dir,
                                List<String> trainOptions, List<String> testOptions, String report)
        implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Pattern MS_PER_IMAGE = Pattern.compile("([0-9.]+) ms per image");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Keeps immutable copies of the option lists. */
    public CategoryBenchmark {
        trainOptions = List.copyOf(trainOptions);
        testOptions = List.copyOf(testOptions);
    }

    /**
     * What running a category gave: its row, or why it failed.
     *
     * @param row   the result, or {@code null} if it failed
     * @param error the one-line reason it failed, or {@code null}
     */
    public record Outcome(BenchmarkRow row, String error) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** @return the file that holds this category's result once it has run */
    public Path result() {
        return Path.of(dir, "result.json");
    }

    /**
     * Trains and tests this category from scratch (what a killed run left of its folder is removed
     * first), writes its {@code result.json} and returns it.
     *
     * @param runner how to run the {@code stfpm} commands
     * @return its row
     * @throws IOException if training or testing fails (the message ends with the log to read), or a file fails
     */
    public BenchmarkRow run(CommandRunner runner) throws IOException {
        Path folder = Path.of(dir);
        deleteRecursively(folder);
        Files.createDirectories(folder);
        Path model = folder.resolve("model.stfpm");
        List<String> train = new ArrayList<>(List.of("train", "--data", data, "--out", model.toString(), "--quiet"));
        train.addAll(trainOptions);
        CommandRunner.Result trained = runner.run(train, folder.resolve("train.log"));
        if (trained.exit() != 0) {
            throw new IOException("training exited " + trained.exit() + ": " + lastLine(trained.output())
                    + " (whole log: " + folder.resolve("train.log") + ")");
        }
        Path testOut = folder.resolve("test");
        List<String> test = new ArrayList<>(List.of("test", "--model", model.toString(), "--data", data,
                "--out", testOut.toString(), "--quiet"));
        test.addAll(testOptions);
        CommandRunner.Result tested = runner.run(test, folder.resolve("test.log"));
        if (tested.exit() != 0) {
            throw new IOException("testing exited " + tested.exit() + ": " + lastLine(tested.output())
                    + " (whole log: " + folder.resolve("test.log") + ")");
        }
        JsonNode metrics = JSON.readTree(testOut.resolve("metrics.json").toFile());
        Matcher ms = MS_PER_IMAGE.matcher(tested.output());
        BenchmarkRow row = new BenchmarkRow(category, metrics.path("image_auroc").asDouble(), number(metrics, "pixel_auroc"),
                number(metrics, "au_pro"), trained.seconds(), ms.find() ? Double.parseDouble(ms.group(1)) : Double.NaN,
                trained.peakBytes(), tested.peakBytes(), report);
        Path tmp = Files.createTempFile(folder, "result", ".part");
        JSON.writeValue(tmp.toFile(), row);
        Files.move(tmp, result(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return row;
    }

    /**
     * Runs this category as {@link #run} does, keeping a failure as the outcome instead of throwing it:
     * what a runner of many categories at once collects.
     *
     * @param runner how to run the {@code stfpm} commands
     * @return its row, or the reason it failed
     */
    public Outcome runCatching(CommandRunner runner) {
        try {
            return new Outcome(run(runner), null);
        } catch (IOException e) {
            return new Outcome(null, e.getMessage());
        }
    }

    private static Double number(JsonNode metrics, String field) {
        JsonNode v = metrics.path(field);
        return v.isNumber() ? v.asDouble() : null;
    }

    private static String lastLine(String output) {
        List<String> lines = output.strip().lines().toList();
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
