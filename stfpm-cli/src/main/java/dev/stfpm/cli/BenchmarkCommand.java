package dev.stfpm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.core.BadInputException;
import dev.stfpm.eval.PaperTables;
import dev.stfpm.eval.report.BenchmarkReport;
import dev.stfpm.eval.report.BenchmarkRow;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code stfpm benchmark}: trains and tests every category under a root, one after another, each
 * step in its own JVM so that its time and peak memory are its own, and writes one table beside the
 * paper's. Resumable: a category whose {@code result.json} exists is skipped unless {@code --force},
 * so a killed run loses only the category it was in.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = {"Train and test every category under --root (e.g. the 15 MVTec AD folders), one after another, "
                + "and write OUT/benchmark.json, .md and .html: image AUROC, pixel AUROC, AU-PRO, training time, "
                + "inference time and peak memory per category, the mean, and the paper's figures beside them.",
            "Every option this command does not know is passed to 'stfpm train' (e.g. --epochs 10 --seed 7).",
            "Resumable: categories whose OUT/<category>/result.json exists are skipped (--force reruns them); a killed "
                    + "run loses only the category in progress."})
final class BenchmarkCommand implements Callable<Integer> {

    private static final Pattern MS_PER_IMAGE = Pattern.compile("([0-9.]+) ms per image");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Options of {@code train} that the benchmark sets itself. */
    private static final List<String> OWN_TRAIN_OPTIONS = List.of("--data", "--out", "--checkpoint", "--resume");

    @Spec
    CommandSpec spec;

    @Option(names = "--root", required = true, description = "folder of category folders")
    Path root;

    @Option(names = "--out", required = true, description = "output folder: one folder per category and the tables")
    Path out;

    @Option(names = "--categories", split = ",", description = "categories to run, in this order (default: every "
            + "folder under --root with a train folder, by name)")
    List<String> categories;

    @Option(names = "--force", description = "rerun categories that have results")
    boolean force;

    @Option(names = "--pro-limit", description = "FPR integration limit of AU-PRO (default: ${DEFAULT-VALUE})")
    double proLimit = 0.3;

    @Unmatched
    List<String> trainOptions = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        checkTrainOptions();
        List<String> suite = categories();
        OutputFiles.refuseSame(out, root, "--root");
        OutputFiles.refuseInside(out, root, "--root");
        OutputFiles.refuseHolding(out, root, "--root");
        Files.createDirectories(out);
        List<BenchmarkRow> rows = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        long started = System.nanoTime();
        int measured = 0;
        int toMeasure = (int) suite.stream().filter(c -> force || !Files.isRegularFile(result(c))).count();
        for (int i = 0; i < suite.size(); i++) {
            String category = suite.get(i);
            String step = String.format(Locale.ROOT, "[%d/%d] %s", i + 1, suite.size(), category);
            if (!force && Files.isRegularFile(result(category))) {
                rows.add(JSON.readValue(result(category).toFile(), BenchmarkRow.class));
                ConsoleProgress.status(spec, step + ": done in an earlier run, kept (--force reruns it)");
                continue;
            }
            String eta = measured == 0 ? "" : ", suite ETA " + duration((System.nanoTime() - started) / 1e9 / measured
                    * (toMeasure - measured));
            ConsoleProgress.status(spec, step + ": training and testing" + eta);
            try {
                rows.add(run(category));
            } catch (IOException e) {
                failed.add(category);
                spec.commandLine().getErr().println("stfpm benchmark: " + category + ": " + e.getMessage());
            }
            measured++;
        }
        String description = "Suite " + root + (trainOptions.isEmpty() ? "" : ", train options " + String.join(" ", trainOptions))
                + "; AU-PRO up to FPR " + proLimit + ".";
        new BenchmarkReport(description, rows, proLimit, PaperTables.load()).write(out);
        PrintWriter stdout = spec.commandLine().getOut();
        for (BenchmarkRow r : rows) {
            stdout.printf(Locale.ROOT, "%-12s image AUROC %.4f  pixel AUROC %s  AU-PRO %s  training %.0f s  %.1f ms/image%n",
                    r.category(), r.imageAuroc(), metric(r.pixelAuroc()), metric(r.auPro()), r.trainSeconds(), r.msPerImage());
        }
        stdout.printf("%s in %s%n", String.join(", ", BenchmarkReport.FILES), out);
        stdout.flush();
        if (!failed.isEmpty()) {
            spec.commandLine().getErr().println("stfpm benchmark: " + failed.size() + " categor" + (failed.size() == 1 ? "y" : "ies")
                    + " failed (" + String.join(", ", failed) + "); their logs are in " + out);
            return StfpmCli.FAILURE;
        }
        return 0;
    }

    /** Trains and tests one category in child JVMs; writes and returns its result. */
    private BenchmarkRow run(String category) throws IOException {
        Path dir = out.resolve(category);
        deleteRecursively(dir); // what a killed run left of this category
        Files.createDirectories(dir);
        Path data = root.resolve(category);
        Path model = dir.resolve("model.stfpm");
        List<String> train = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", model.toString(), "--quiet"));
        train.addAll(trainOptions);
        ChildJvm.Result trained = ChildJvm.run(train, dir.resolve("train.log"));
        if (trained.exit() != 0) {
            throw new IOException("training exited " + trained.exit() + ": " + lastLine(trained.output())
                    + " (whole log: " + dir.resolve("train.log") + ")");
        }
        Path testOut = dir.resolve("test");
        ChildJvm.Result tested = ChildJvm.run(List.of("test", "--model", model.toString(), "--data", data.toString(),
                "--out", testOut.toString(), "--pro-limit", Double.toString(proLimit), "--quiet"), dir.resolve("test.log"));
        if (tested.exit() != 0) {
            throw new IOException("testing exited " + tested.exit() + ": " + lastLine(tested.output())
                    + " (whole log: " + dir.resolve("test.log") + ")");
        }
        JsonNode metrics = JSON.readTree(testOut.resolve("metrics.json").toFile());
        Matcher ms = MS_PER_IMAGE.matcher(tested.output());
        BenchmarkRow row = new BenchmarkRow(category, metrics.path("image_auroc").asDouble(), number(metrics, "pixel_auroc"),
                number(metrics, "au_pro"), trained.seconds(), ms.find() ? Double.parseDouble(ms.group(1)) : Double.NaN,
                trained.peakBytes(), tested.peakBytes(), category + "/test/report.html");
        Path tmp = Files.createTempFile(dir, "result", ".part");
        JSON.writeValue(tmp.toFile(), row);
        Files.move(tmp, result(category), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return row;
    }

    private Path result(String category) {
        return out.resolve(category).resolve("result.json");
    }

    /** The categories to run: as given, checked, or every folder under the root with a {@code train} folder. */
    private List<String> categories() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new BadInputException(String.valueOf(root), "no such folder of categories");
        }
        if (categories != null && !categories.isEmpty()) {
            for (String c : categories) {
                if (c.isBlank() || c.contains("/") || c.contains("\\") || !Files.isDirectory(root.resolve(c))) {
                    throw new BadInputException(String.valueOf(root.resolve(c)), "no such category folder under --root");
                }
            }
            return List.copyOf(categories);
        }
        List<String> found;
        try (Stream<Path> s = Files.list(root)) {
            found = s.filter(p -> Files.isDirectory(p.resolve("train"))).map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (found.isEmpty()) {
            throw new BadInputException(String.valueOf(root), "holds no category folders (folders with a train folder)");
        }
        return found;
    }

    /** Refuses, before anything runs, train options that {@code stfpm train} would refuse or that the benchmark sets. */
    private void checkTrainOptions() {
        for (String option : trainOptions) {
            String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
            if (OWN_TRAIN_OPTIONS.contains(name)) {
                throw new IllegalArgumentException(name + " is set by the benchmark for each category; leave it out");
            }
        }
        List<String> args = new ArrayList<>(List.of("--data", "d", "--out", "m"));
        args.addAll(trainOptions);
        TrainCommand train = new TrainCommand();
        CommandLine parser = new CommandLine(train);
        parser.setCaseInsensitiveEnumValuesAllowed(true);
        try {
            parser.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("not a train option: " + e.getMessage(), e);
        }
        train.config();
    }

    private static Double number(JsonNode metrics, String field) {
        JsonNode v = metrics.path(field);
        return v.isNumber() ? v.asDouble() : null;
    }

    private static String metric(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String lastLine(String output) {
        List<String> lines = output.strip().lines().toList();
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
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
