package dev.stfpm.cli;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.BadInputException;
import dev.stfpm.core.data.MvtecCategory;
import dev.stfpm.eval.FalseAlarmCalibration;
import dev.stfpm.nn.AnomalyDetector;
import dev.stfpm.nn.Prediction;
import dev.stfpm.nn.StfpmModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stfpm calibrate}: thresholds from good images alone, at a chosen false-alarm rate. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Fit image and pixel thresholds on good images alone and store them in the model file: at most "
                + "--false-alarm-rate of the images (and of their pixels) reach them. Use good images the student was "
                + "not trained on.",
            "'stfpm test --save-calibration' fits F1-optimal thresholds instead, which need defective images: "
                    + "docs/DEPLOY.md#thresholds says how the two differ."})
final class CalibrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "model file written by 'stfpm train' (updated in place)")
    Path model;

    @Option(names = "--normal", required = true, description = "folder of good images, searched recursively")
    Path normal;

    @Option(names = "--false-alarm-rate", description = "largest fraction of good images to call anomalous, "
            + "in [0, 1) (default: ${DEFAULT-VALUE})")
    double falseAlarmRate = 0.01;

    @Option(names = "--engine", description = "dl4j or onnxruntime, as for predict (default: " + Engine.DEFAULT_NAME + ")")
    Engine engine = Engine.DEFAULT;

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(normal)) {
            throw new BadInputException(normal.toString(), "no such folder of good images");
        }
        List<Path> images;
        try (Stream<Path> walk = Files.walk(normal)) {
            images = walk.filter(Files::isRegularFile).filter(MvtecCategory::isImage).sorted().toList();
        }
        if (images.isEmpty()) {
            throw new BadInputException(normal.toString(), "no images found (PNG, JPEG, BMP or TIFF)");
        }
        try (StfpmModel m = StfpmModel.load(model)) {
            int s = m.config().imageSize();
            FalseAlarmCalibration fitter = new FalseAlarmCalibration(falseAlarmRate, images.size(), s * s);
            AnomalyDetector predictor = engine.on(m);
            try (ConsoleProgress progress = ConsoleProgress.start(spec, "predicting", images.size(), "images")) {
                for (int start = 0; start < images.size(); start += PredictCommand.CHUNK) {
                    List<Path> chunk = images.subList(start, Math.min(images.size(), start + PredictCommand.CHUNK));
                    for (Prediction p : predictor.predict(chunk)) {
                        fitter.add(p.image().toString(), p.map(), s);
                    }
                    progress.step(chunk.size());
                }
            } finally {
                if (predictor != m) {
                    predictor.close();
                }
            }
            AnomalyCalibration c = fitter.fit(normal.toString());
            m.withCalibration(c).save(model);
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf("image threshold %.6g, pixel threshold %.6g (false-alarm rate %s on %d good images); "
                    + "saved in %s%n", c.imageThreshold(), c.pixelThreshold(), falseAlarmRate, images.size(), model);
            stdout.flush();
        }
        return 0;
    }
}
