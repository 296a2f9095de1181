package dev.stfpm.cli;

import dev.stfpm.core.BadInputException;
import dev.stfpm.core.data.Dataset;
import dev.stfpm.eval.EvaluationResult;
import dev.stfpm.eval.MapEvaluator;
import dev.stfpm.eval.report.ReportWriter;
import dev.stfpm.eval.report.TerminalSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stfpm evaluate}: MVTec AD metrics and reports for any method's anomaly maps. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {
            "Benchmark any method's anomaly maps like MVTec AD's evaluation script: image AUROC, pixel AUROC and "
                    + "AU-PRO, overall and per defect type, written to <out>/metrics.json, report.md, report.html, "
                    + "curve plots and per-image overlays.",
            "Maps: <anomaly-maps>/test/<defect>/<name>.npy (float32 HxW; .tiff/.tif also read) for each test image "
                    + "<dataset>/test/<defect>/<name>.<ext>. Masks: <dataset>/ground_truth/<defect>/<name>_mask.png, "
                    + "resized to the map by nearest neighbour. Other layouts (--layout): docs/DATASETS.md."})
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "data folder (layouts: docs/DATASETS.md)")
    Path dataset;

    @Mixin
    LayoutOptions layout;

    @Option(names = "--split", paramLabel = "NAME", description = "mvtec2: the test split, test_public (default),"
            + " test_private or test_private_mixed (no ground truth: scores, no metrics)")
    String split;

    @Option(names = "--anomaly-maps", required = true, paramLabel = "DIR", description = "folder holding test/<defect>/<name>.npy")
    Path maps;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder for the reports")
    Path out;

    @Option(names = "--pro-limit", paramLabel = "FPR", description = "FPR integration limit of AU-PRO, in (0, 1] (default: ${DEFAULT-VALUE})")
    double proLimit = MapEvaluator.DEFAULT_PRO_LIMIT;

    @Option(names = "--image-scores", paramLabel = "CSV",
            description = "image scores (rows image,score with image = <defect>/<name> or a path ending in it) "
                    + "instead of each map's maximum")
    Path imageScores;

    @Override
    public Integer call() throws IOException {
        if (!(proLimit > 0 && proLimit <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pro-limit must lie in (0, 1], got " + proLimit);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new BadInputException(String.valueOf(out), "is a file; --out takes a folder");
        }
        Map<String, Double> scores = imageScores == null ? Map.of() : MapEvaluator.readImageScores(imageScores);
        EvaluationResult result = evaluate(spec, layout.open(spec, dataset, split), maps, proLimit, scores);
        Path html = writeReports(spec, result, out);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(TerminalSummary.of(result));
        stdout.println("metrics.json, report.md and " + html.getFileName() + " in " + out);
        stdout.flush();
        return 0;
    }

    /**
     * {@link MapEvaluator#evaluate(Dataset, Path, double, Map, MapEvaluator.Progress)} with its
     * progress shown (maps read, then metric sets computed).
     */
    static EvaluationResult evaluate(CommandSpec spec, Dataset dataset, Path maps, double proLimit,
                                     Map<String, Double> scores) throws IOException {
        ConsoleProgress[] progress = new ConsoleProgress[1];
        try {
            return MapEvaluator.evaluate(dataset, maps, proLimit, scores, (done, total) -> {
                if (progress[0] == null) {
                    progress[0] = ConsoleProgress.start(spec, "evaluating", total, "maps and metric sets");
                }
                progress[0].stepTo(done);
                if (done >= total) {
                    progress[0].close();
                }
            });
        } finally {
            if (progress[0] != null) {
                progress[0].close();
            }
        }
    }

    /** {@link ReportWriter#write} with its elapsed time shown (it reports no progress of its own). */
    static Path writeReports(CommandSpec spec, EvaluationResult result, Path out) throws IOException {
        try (ConsoleProgress progress = ConsoleProgress.start(spec, "writing reports")) {
            Path html = ReportWriter.write(result, out);
            progress.complete();
            return html;
        }
    }
}
