package dev.stfpm.cli;

import dev.stfpm.core.data.MvtecCategory;
import dev.stfpm.core.io.Npy;
import dev.stfpm.nn.Prediction;
import dev.stfpm.nn.StfpmModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stfpm predict}: anomaly maps and scores for any images. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Write each image's anomaly map (<out>/<name>.npy, float32 HxW) and <out>/scores.csv.")
final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "model file written by 'stfpm train'")
    Path model;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "IMAGE|FOLDER", description = "images, or folders searched recursively for images")
    List<Path> inputs;

    @Override
    public Integer call() throws IOException {
        List<Target> targets = targets();
        StfpmModel m = StfpmModel.load(model);
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        List<Prediction> predictions = m.predict(targets.stream().map(Target::image).toList());
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("scores.csv")))) {
            csv.println("path,score");
            for (int i = 0; i < predictions.size(); i++) {
                Prediction p = predictions.get(i);
                Npy.write(out.resolve(targets.get(i).map()), p.map(), p.size(), p.size());
                csv.println(csvField(p.image().toString()) + "," + p.score());
            }
        }
        System.out.printf("%d images, %.1f ms per image; maps and scores.csv in %s%n", predictions.size(),
                (System.nanoTime() - t0) / 1e6 / predictions.size(), out);
        return 0;
    }

    /** Each input image with the relative path of its map under {@code --out}. */
    private List<Target> targets() throws IOException {
        List<Target> targets = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> walk = Files.walk(input)) {
                    for (Path image : walk.filter(Files::isRegularFile).filter(MvtecCategory::isImage).sorted().toList()) {
                        Path rel = input.relativize(image);
                        Path dir = input.toAbsolutePath().normalize().getFileName();
                        Path base = dir == null ? rel : dir.resolve(rel);
                        targets.add(new Target(image, base.resolveSibling(MvtecCategory.stem(image) + ".npy").toString()));
                    }
                }
            } else if (Files.isRegularFile(input)) {
                targets.add(new Target(input, MvtecCategory.stem(input) + ".npy"));
            } else {
                throw new IOException(input + ": no such image or folder");
            }
        }
        if (targets.isEmpty()) {
            throw new IOException(inputs + ": no images found (PNG, JPEG, BMP or TIFF)");
        }
        return targets;
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private record Target(Path image, String map) {
    }
}
