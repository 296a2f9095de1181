package dev.stfpm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.core.BadInputException;
import dev.stfpm.eval.PaperTables;
import dev.stfpm.eval.report.AblationReport;
import dev.stfpm.eval.report.BenchmarkReport;
import dev.stfpm.eval.report.BenchmarkRow;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
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
            "Every option this command does not know is passed to 'stfpm train' (e.g. --epochs 10 --seed 7); the layout "
                    + "options (--layout, --category, --normal, …: docs/DATASETS.md) to 'stfpm test' as well.",
            "Resumable: categories whose OUT/<category>/result.json exists are skipped (--force reruns them); a killed "
                    + "run loses only the category in progress."})
public final class BenchmarkCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Options of {@code train} that the benchmark sets itself. */
    private static final List<String> OWN_TRAIN_OPTIONS = List.of("--data", "--out", "--checkpoint", "--resume");
    /** Options of {@code train} that say how to read a category: passed to {@code test} as well ({@link LayoutOptions}). */
    private static final List<String> LAYOUT_OPTIONS = List.of("--layout", "--category", "--normal", "--abnormal", "--masks",
            "--normal-test");

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

    @Option(names = "--ablation", description = "run the paper's study over the suite instead: 'levels' (Table 3: "
            + "layer1-3, layer1-2, layer2-3 and each level alone) or 'fraction' (Table 5: all, 10 %% and 5 %% of the "
            + "training images); each variant in OUT/<variant>/, the study in OUT/ablation.md and .json")
    Ablation ablation;

    /** The paper's ablation studies, as variants of the training options. */
    enum Ablation {
        /** Table 3: which pyramid levels. */
        LEVELS("--levels"),
        /** Table 5: how many training images. */
        FRACTION("--train-fraction");

        final String option;

        Ablation(String option) {
            this.option = option;
        }

        /** @return the variants: name, folder, the option's value, the paper's means */
        List<Variant> variants(PaperTables paper) {
            if (this == LEVELS) {
                return Stream.of("layer1,layer2,layer3", "layer1,layer2", "layer2,layer3", "layer1", "layer2", "layer3")
                        .map(l -> new Variant(l, "levels-" + l.replace(',', '-'), l, paper.featureLevels(List.of(l.split(",")))))
                        .toList();
            }
            return Stream.of(1.0, 0.1, 0.05).map(f -> new Variant(Math.round(f * 100) + " %", "fraction-" + f,
                    Double.toString(f), paper.trainFraction(f))).toList();
        }
    }

    /** One variant of an ablation study. */
    record Variant(String name, String folder, String value, java.util.Optional<PaperTables.Means> paper) {
    }

    /** How the categories without results run: one after another here, as Spark tasks in stfpm-spark. */
    private final SuiteRunner runner;

    /** The command of {@code stfpm benchmark}: each category's commands in child JVMs, one after another. */
    BenchmarkCommand() {
        this(new SequentialSuite());
    }

    /**
     * The same command with another way of running the categories (stfpm-spark's).
     *
     * @param runner how the categories without results run
     */
    public BenchmarkCommand(SuiteRunner runner) {
        this.runner = runner;
    }

    @Override
    public Integer call() throws IOException {
        checkTrainOptions();
        List<String> suite = categories();
        OutputFiles.refuseSame(out, root, "--root");
        OutputFiles.refuseInside(out, root, "--root");
        OutputFiles.refuseHolding(out, root, "--root");
        PaperTables paper = PaperTables.load();
        List<Variant> variants = ablation == null ? List.of(new Variant("", "", "", java.util.Optional.empty()))
                : ablation.variants(paper);
        List<CategoryBenchmark> jobs = new ArrayList<>();
        int count = variants.size() * suite.size();
        for (Variant v : variants) {
            for (String category : suite) {
                String step = String.format(Locale.ROOT, "[%d/%d] ", jobs.size() + 1, count);
                jobs.add(ablation == null ? job(out, category, List.of(), category, step)
                        : job(out.resolve(v.folder()), category, List.of(ablation.option, v.value()),
                                v.name() + ": " + category, step));
            }
        }
        Files.createDirectories(out);
        List<CategoryBenchmark> pending = new ArrayList<>();
        for (CategoryBenchmark job : jobs) {
            if (!force && Files.isRegularFile(job.result())) {
                ConsoleProgress.status(spec, job.step() + ": done in an earlier run, kept (--force reruns it)");
            } else {
                pending.add(job);
            }
        }
        List<CategoryBenchmark.Outcome> outcomes = runner.run(pending, line -> ConsoleProgress.status(spec, line));
        List<BenchmarkRow> rows = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (CategoryBenchmark job : jobs) {
            int ran = pending.indexOf(job);
            if (ran < 0) {
                rows.add(JSON.readValue(job.result().toFile(), BenchmarkRow.class));
            } else if (outcomes.get(ran).row() != null) {
                rows.add(outcomes.get(ran).row());
            } else {
                failed.add(job.label());
                spec.commandLine().getErr().println(spec.root().name() + " benchmark: " + job.label() + ": " + outcomes.get(ran).error());
            }
        }
        String options = trainOptions.isEmpty() ? "" : ", train options " + String.join(" ", trainOptions);
        List<AblationReport.Variant> studied = new ArrayList<>();
        for (Variant v : variants) {
            Path suiteOut = ablation == null ? out : out.resolve(v.folder());
            List<BenchmarkRow> own = rows.stream().filter(r -> r.report().startsWith(prefix(suiteOut))).toList();
            String description = "Suite " + root + options + (ablation == null ? "" : ", " + ablation.option + " " + v.value())
                    + "; AU-PRO up to FPR " + proLimit + ".";
            new BenchmarkReport(description, own.stream().map(r -> relativeTo(r, suiteOut)).toList(), proLimit, paper)
                    .write(suiteOut);
            studied.add(new AblationReport.Variant(v.name(), v.folder(), own, v.paper()));
        }
        if (ablation != null) {
            new AblationReport("Ablation of " + ablation.option + " over " + root + options + ".", studied, proLimit).write(out);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        for (BenchmarkRow r : rows) {
            stdout.printf(Locale.ROOT, "%-12s image AUROC %.4f  pixel AUROC %s  AU-PRO %s  training %.0f s  %.1f ms/image%n",
                    r.category(), r.imageAuroc(), metric(r.pixelAuroc()), metric(r.auPro()), r.trainSeconds(), r.msPerImage());
        }
        stdout.printf("%s in %s%n", ablation == null ? String.join(", ", BenchmarkReport.FILES)
                : "ablation.md, ablation.json and each variant's benchmark files", out);
        stdout.flush();
        if (!failed.isEmpty()) {
            spec.commandLine().getErr().println(spec.root().name() + " benchmark: " + failed.size() + " of " + jobs.size()
                    + " failed (" + String.join(", ", failed) + "); their logs are in " + out);
            return StfpmCli.FAILURE;
        }
        return 0;
    }

    /** The report paths of rows are relative to --out; a variant's tables link relative to its own folder. */
    private String prefix(Path suiteOut) {
        String rel = out.relativize(suiteOut).toString().replace('\\', '/');
        return rel.isEmpty() ? "" : rel + "/";
    }

    private BenchmarkRow relativeTo(BenchmarkRow r, Path suiteOut) {
        String report = r.report().substring(prefix(suiteOut).length());
        return new BenchmarkRow(r.category(), r.imageAuroc(), r.pixelAuroc(), r.auPro(), r.trainSeconds(), r.msPerImage(),
                r.trainPeakBytes(), r.testPeakBytes(), report);
    }

    /** One category of one suite, as {@link CategoryBenchmark} runs it; its step line starts with {@code step}. */
    private CategoryBenchmark job(Path suiteOut, String category, List<String> extraTrainOptions, String label, String step) {
        List<String> train = new ArrayList<>(trainOptions);
        train.addAll(extraTrainOptions);
        List<String> test = new ArrayList<>(List.of("--pro-limit", Double.toString(proLimit)));
        test.addAll(layoutOptions());
        return new CategoryBenchmark(category, label, step + label, root.resolve(category).toString(),
                suiteOut.resolve(category).toString(), train, test, prefix(suiteOut) + category + "/test/report.html");
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
            if (ablation != null && name.equals(ablation.option)) {
                throw new IllegalArgumentException(name + " is what --ablation " + ablation.name().toLowerCase(Locale.ROOT)
                        + " varies; leave it out");
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

    /** The layout options among the train options, with their values, for {@code test}. */
    private List<String> layoutOptions() {
        List<String> layout = new ArrayList<>();
        for (int i = 0; i < trainOptions.size(); i++) {
            String option = trainOptions.get(i);
            boolean joined = option.contains("=");
            if (LAYOUT_OPTIONS.contains(joined ? option.substring(0, option.indexOf('=')) : option)) {
                layout.add(option);
                if (!joined && i + 1 < trainOptions.size()) {
                    layout.add(trainOptions.get(++i));
                }
            }
        }
        return layout;
    }

    private static String metric(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
