package dev.stfpm.cli;

import dev.stfpm.core.data.MvtecCategory;
import dev.stfpm.core.io.Npy;
import dev.stfpm.nn.Prediction;
import dev.stfpm.nn.StfpmModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stfpm predict}: anomaly maps and scores for any images. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Write each image's anomaly map (<out>/<name>.npy, float32 HxW) and <out>/scores.csv.",
            "A model with thresholds ('stfpm test --save-calibration') also gives each image a normalised score, "
                    + "a decision and a predicted mask (<out>/<name>_mask.png)."})
final class PredictCommand implements Callable<Integer> {

    /** Images predicted between two progress steps ({@code StfpmModel.predict} batches by 8 as well). */
    static final int CHUNK = 8;

    @Spec
    CommandSpec spec;

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
        long predicting = 0;
        boolean calibrated = m.calibration().isPresent();
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("scores.csv")));
             ConsoleProgress progress = ConsoleProgress.start(spec, "predicting", targets.size(), "images")) {
            csv.println(calibrated ? "path,score,normalised_score,anomalous" : "path,score");
            for (int start = 0; start < targets.size(); start += CHUNK) {
                List<Target> chunk = targets.subList(start, Math.min(targets.size(), start + CHUNK));
                long t0 = System.nanoTime();
                List<Prediction> predictions = m.predict(chunk.stream().map(Target::image).toList());
                predicting += System.nanoTime() - t0;
                for (int i = 0; i < predictions.size(); i++) {
                    Prediction p = predictions.get(i);
                    Path map = out.resolve(chunk.get(i).map());
                    Npy.write(map, p.map(), p.size(), p.size());
                    String row = csvField(p.image().toString()) + "," + p.score();
                    if (calibrated) {
                        row += "," + p.normalisedScore().orElseThrow() + "," + p.anomalous().orElseThrow();
                        writeMask(map.resolveSibling(MvtecCategory.stem(map) + "_mask.png"), p.predictedMask().orElseThrow(), p.size());
                    }
                    csv.println(row);
                }
                progress.step(chunk.size());
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("%d images, %.1f ms per image; maps and scores.csv in %s%n", targets.size(),
                predicting / 1e6 / targets.size(), out);
        stdout.flush();
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

    /** The predicted defect mask as an 8-bit PNG (255 = defect), like MVTec AD's ground truth. */
    private static void writeMask(Path file, boolean[] mask, int size) throws IOException {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < mask.length; i++) {
            img.getRaster().setSample(i % size, i / size, 0, mask[i] ? 255 : 0);
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private record Target(Path image, String map) {
    }
}
