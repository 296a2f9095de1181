package dev.stfpm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.data.MvtecCategory;
import dev.stfpm.core.data.TestImage;
import dev.stfpm.core.io.Npy;
import dev.stfpm.eval.CalibrationFitter;
import dev.stfpm.eval.EvaluationResult;
import dev.stfpm.eval.MapEvaluator;
import dev.stfpm.eval.ReportWriter;
import dev.stfpm.nn.Prediction;
import dev.stfpm.nn.StfpmModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stfpm test}: maps for a category's test set, metrics and a report. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Write anomaly maps of <data>/test to <out>/maps, then metrics.json and the report, as 'stfpm evaluate' does.")
final class TestCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "model file written by 'stfpm train'")
    Path model;

    @Option(names = "--data", required = true, description = "category folder in the MVTec AD layout")
    Path data;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--pro-limit", description = "FPR integration limit of AU-PRO (default: ${DEFAULT-VALUE})")
    double proLimit = MapEvaluator.DEFAULT_PRO_LIMIT;

    @Option(names = "--save-calibration", description = "store the F1-optimal thresholds fitted on this test set in the model file")
    boolean saveCalibration;

    @Override
    public Integer call() throws IOException {
        List<TestImage> tests = MvtecCategory.open(data).testImages();
        StfpmModel m = StfpmModel.load(model);
        Path maps = out.resolve("maps");
        long t0 = System.nanoTime();
        List<Prediction> predictions = m.predict(tests.stream().map(TestImage::image).toList());
        double msPerImage = (System.nanoTime() - t0) / 1e6 / tests.size();
        for (int i = 0; i < tests.size(); i++) {
            Prediction p = predictions.get(i);
            Npy.write(tests.get(i).mapPath(maps), p.map(), p.size(), p.size());
        }
        EvaluationResult result = MapEvaluator.evaluate(data, maps, proLimit);
        ReportWriter.write(result, out);
        Optional<AnomalyCalibration> calibration = CalibrationFitter.fitIfDefined(result);
        if (calibration.isPresent()) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(out.resolve("calibration.json").toFile(), calibration.get());
            if (saveCalibration) {
                m.withCalibration(calibration.get()).save(model);
            }
        }
        System.out.printf("%d test images, %.1f ms per image%n", tests.size(), msPerImage);
        System.out.println(result.summary());
        System.out.printf("metrics.json, report.md and report.html in %s%s%n", out,
                saveCalibration && calibration.isPresent() ? "; thresholds saved in " + model : "");
        return 0;
    }
}
