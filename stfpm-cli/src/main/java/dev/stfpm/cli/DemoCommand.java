package dev.stfpm.cli;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.data.MvtecCategory;
import dev.stfpm.core.synth.SyntheticInspectionSet;
import dev.stfpm.core.synth.SyntheticSpec;
import dev.stfpm.eval.MapEvaluator;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.onnx.Teacher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stfpm demo}: generates a synthetic inspection data set in the MVTec AD layout
 * ({@link SyntheticInspectionSet}), trains a student on it with the shipped teacher, tests it and
 * writes the report: the whole method in a few minutes, with nothing to download.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generate a synthetic inspection data set, train on it, test, and write the report (a few minutes on"
                + " two cores). With --data-only, just write the data set.",
                "Writes <out>/fabric (the data set, MVTec AD layout), <out>/model.stfpm and <out>/test (metrics.json, report.html, maps)."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "demo");

    @Option(names = "--seed", description = "seed of the data set and of the training (default: ${DEFAULT-VALUE})")
    long seed = SyntheticSpec.DEMO_SEED;

    @Option(names = "--epochs", description = "training epochs (default: ${DEFAULT-VALUE})")
    int epochs = StfpmConfig.demo().epochs();

    @Option(names = "--data-only", description = "write the data set to <out>/fabric and stop")
    boolean dataOnly;

    @Override
    public Integer call() throws IOException {
        OutputFiles.prepareFolder(out, "demo"); // new, empty, or an earlier demo's (replaced); else refused
        Path data = out.resolve("fabric");
        SyntheticSpec dataSpec = SyntheticSpec.demo().withSeed(seed);
        try (ConsoleProgress progress = ConsoleProgress.start(spec, "generating demo data", dataSpec.imageCount(),
                "images")) {
            SyntheticInspectionSet.write(dataSpec, data, image -> progress.step());
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("demo data set: %d training images, %d good and %d defective test images (%s) in %s%n",
                dataSpec.trainImages(), dataSpec.testGoodImages(),
                dataSpec.testImagesPerDefect() * SyntheticInspectionSet.DEFECT_TYPES.size(),
                String.join(", ", SyntheticInspectionSet.DEFECT_TYPES), data);
        stdout.flush();
        if (dataOnly) {
            return 0;
        }

        StfpmConfig config = StfpmConfig.demo().withSeed(seed).withEpochs(epochs);
        ConsoleProgress.status(spec, "demo settings, where they differ from the paper's: "
                + String.join(", ", differences(config, StfpmConfig.paper())));
        MvtecCategory category = MvtecCategory.open(data);
        Path modelFile = out.resolve("model.stfpm");
        try (StfpmModel model = TrainCommand.train(spec, config, Teacher.imagenetResNet18(), data,
                category.trainImages())) {
            model.save(modelFile);
            stdout.printf("saved %s (best epoch %d of %d)%n", modelFile, model.history().bestEpoch(), config.epochs());
            stdout.flush();
            TestCommand.test(spec, model, category, out.resolve("test"), MapEvaluator.DEFAULT_PRO_LIMIT);
        }
        stdout.printf("open %s in a browser to see every test image with its anomaly map%n",
                out.resolve("test").resolve("report.html").toAbsolutePath().normalize());
        stdout.flush();
        return 0;
    }

    /** @return each setting of {@code config} that differs from {@code paper}, with the paper's value */
    static List<String> differences(StfpmConfig config, StfpmConfig paper) {
        List<String> out = new ArrayList<>();
        differ(out, "image size", config.imageSize(), paper.imageSize());
        differ(out, "levels", config.pyramidLevels(), paper.pyramidLevels());
        differ(out, "epochs", config.epochs(), paper.epochs());
        differ(out, "batch size", config.batchSize(), paper.batchSize());
        differ(out, "learning rate", config.learningRate(), paper.learningRate());
        differ(out, "momentum", config.momentum(), paper.momentum());
        differ(out, "weight decay", config.weightDecay(), paper.weightDecay());
        differ(out, "validation fraction", config.validationFraction(), paper.validationFraction());
        if (out.isEmpty()) {
            out.add("none");
        }
        return out;
    }

    private static void differ(List<String> out, String name, Object value, Object paper) {
        if (!value.equals(paper)) {
            out.add(name + " " + value + " (paper " + paper + ")");
        }
    }
}
