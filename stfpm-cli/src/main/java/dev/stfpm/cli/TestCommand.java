package dev.stfpm.cli;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.data.Dataset;
import dev.stfpm.core.data.TestImage;
import dev.stfpm.core.io.Npy;
import dev.stfpm.eval.CalibrationFitter;
import dev.stfpm.eval.EvaluationResult;
import dev.stfpm.eval.MapEvaluator;
import dev.stfpm.eval.PixelSet;
import dev.stfpm.eval.report.Json;
import dev.stfpm.eval.report.TerminalSummary;
import dev.stfpm.nn.Prediction;
import dev.stfpm.nn.StfpmModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stfpm test}: maps for a data set's test set, metrics and a report. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Write anomaly maps of the data set's test images (<data>/test in MVTec AD) to <out>/maps, then"
                + " metrics.json and the report, as 'stfpm evaluate' does.",
            "--out must be a new or empty folder, or one an earlier 'stfpm test' wrote (its contents are replaced); "
                    + "it must not hold or lie inside --data, nor be --model."})
final class TestCommand implements Callable<Integer> {

    /** The command's name, also naming its output folder's marker file. */
    static final String NAME = "test";

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "model file written by 'stfpm train'")
    Path model;

    @Option(names = "--data", required = true, description = "data folder (layouts: docs/DATASETS.md)")
    Path data;

    @Mixin
    LayoutOptions layout;

    @Option(names = "--split", paramLabel = "NAME", description = "mvtec2: the test split, test_public (default),"
            + " test_private or test_private_mixed (no ground truth: maps and scores, no metrics)")
    String split;

    @Option(names = "--out", required = true, description = "output folder (new, empty, or written by an earlier 'stfpm test')")
    Path out;

    @Option(names = "--pro-limit", description = "FPR integration limit of AU-PRO (default: ${DEFAULT-VALUE})")
    double proLimit = MapEvaluator.DEFAULT_PRO_LIMIT;

    @Option(names = "--save-calibration", description = "store the F1-optimal thresholds fitted on this test set in the model file")
    boolean saveCalibration;

    @Override
    public Integer call() throws IOException {
        OutputFiles.refuseSame(out, model, "--model");
        OutputFiles.refuseHolding(out, model, "--model");
        OutputFiles.refuseInside(out, data, "--data");
        OutputFiles.refuseHolding(out, data, "--data");
        OutputFiles.checkFolder(out, NAME);
        Dataset dataset = layout.open(spec, data, split);
        try (StfpmModel m = StfpmModel.load(model)) {
            OutputFiles.prepareFolder(out, NAME);
            Optional<AnomalyCalibration> calibration = test(spec, m, dataset, out, proLimit);
            if (saveCalibration && calibration.isPresent()) {
                m.withCalibration(calibration.get()).save(model);
                spec.commandLine().getOut().printf("thresholds saved in %s%n", model);
            }
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * Maps of a data set's test images, metrics, report and fitted thresholds ({@code test} and
     * {@code demo}); prints the summary.
     *
     * @param spec     the running command
     * @param m        the model
     * @param dataset  the data set
     * @param out      the output folder
     * @param proLimit AU-PRO's FPR limit
     * @return the F1-optimal thresholds, if the test set defines them
     * @throws IOException if an image cannot be read or an output written
     */
    static Optional<AnomalyCalibration> test(CommandSpec spec, StfpmModel m, Dataset dataset, Path out,
                                             double proLimit) throws IOException {
        List<TestImage> tests = dataset.testImages();
        Path data = dataset.root();
        if (tests.stream().anyMatch(t -> t.mask().isPresent())) {
            long side = m.config().imageSize();
            long inPixelMetrics = tests.stream().filter(t -> t.isGood() || t.mask().isPresent()).count();
            try {
                PixelSet.requireHeapFor(inPixelMetrics * side * side); // before minutes of predicting, not after
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(data + ": " + inPixelMetrics + " test images of " + side + "x" + side
                        + ": " + e.getMessage(), e);
            }
        }
        Path maps = out.resolve("maps");
        long predicting = 0;
        try (ConsoleProgress progress = ConsoleProgress.start(spec, "predicting", tests.size(), "images")) {
            for (int start = 0; start < tests.size(); start += PredictCommand.CHUNK) {
                List<TestImage> chunk = tests.subList(start, Math.min(tests.size(), start + PredictCommand.CHUNK));
                long t0 = System.nanoTime();
                List<Prediction> predictions = m.predict(chunk.stream().map(TestImage::image).toList());
                predicting += System.nanoTime() - t0;
                for (int i = 0; i < chunk.size(); i++) {
                    Prediction p = predictions.get(i);
                    Npy.write(chunk.get(i).mapPath(maps), p.map(), p.size(), p.size());
                }
                progress.step(chunk.size());
            }
        }
        double msPerImage = predicting / 1e6 / tests.size();
        EvaluationResult result = EvaluateCommand.evaluate(spec, dataset, maps, proLimit, Map.of());
        EvaluateCommand.writeReports(spec, result, out);
        Optional<AnomalyCalibration> calibration = CalibrationFitter.fitIfDefined(result);
        if (calibration.isPresent()) {
            Json.write(calibration.get(), out.resolve("calibration.json"));
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("%d test images, %.1f ms per image%n", tests.size(), msPerImage);
        stdout.println(TerminalSummary.of(result));
        stdout.printf("metrics.json, report.md and report.html in %s%n", out);
        return calibration;
    }
}
