package dev.stfpm.cli;

import dev.stfpm.core.BadInputException;
import dev.stfpm.core.data.MvtecCategory;
import dev.stfpm.core.io.Npy;
import dev.stfpm.nn.Prediction;
import dev.stfpm.nn.AnomalyDetector;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
        description = {"Write each image's anomaly map (<out>/<name>.npy, float32 HxW) and <out>/scores.csv "
                + "(columns map, path, score), one map per image: images whose names would share a map keep their "
                + "extension (<name>.<ext>.npy), or get -2, -3, ... in input order.",
            "--out must be a new or empty folder, or one an earlier 'stfpm predict' wrote (its contents are replaced); "
                    + "it must not be, hold or lie inside an input.",
            "A model with thresholds ('stfpm test --save-calibration') also gives each image a normalised score, "
                    + "a decision and a predicted mask (<out>/<name>_mask.png)."})
final class PredictCommand implements Callable<Integer> {

    /** Images predicted between two progress steps: one batch of the engine's. */
    static final int CHUNK = AnomalyDetector.BATCH;

    /** The command's name, also naming its output folder's marker file. */
    static final String NAME = "predict";

    private static final String NPY = ".npy";

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true,
            description = "model file written by 'stfpm train', or an .onnx file written by 'stfpm export' (--engine onnxruntime)")
    Path model;

    @Option(names = "--engine", description = "dl4j or onnxruntime: the same maps either way (default: "
            + Engine.DEFAULT_NAME + "; onnxruntime for an .onnx model)")
    Engine engine;

    @Option(names = "--out", required = true, description = "output folder (new, empty, or written by an earlier 'stfpm predict')")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "IMAGE|FOLDER", description = "images, or folders searched recursively for images")
    List<Path> inputs;

    @Override
    public Integer call() throws IOException {
        OutputFiles.refuseSame(out, model, "--model");
        OutputFiles.refuseHolding(out, model, "--model");
        for (Path input : inputs) {
            OutputFiles.refuseSame(out, input, "image or folder");
            OutputFiles.refuseHolding(out, input, "image or folder");
            if (Files.isDirectory(input)) {
                OutputFiles.refuseInside(out, input, "folder");
            }
        }
        OutputFiles.checkFolder(out, NAME);
        List<Target> targets = targets();
        try (AnomalyDetector m = Engine.orDefault(engine, model.toString()).open(model)) {
            predict(m, targets);
        }
        return 0;
    }

    private void predict(AnomalyDetector m, List<Target> targets) throws IOException {
        OutputFiles.prepareFolder(out, NAME);
        long predicting = 0;
        boolean calibrated = m.calibration().isPresent();
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("scores.csv")));
             ConsoleProgress progress = ConsoleProgress.start(spec, "predicting", targets.size(), "images")) {
            csv.println(calibrated ? "map,path,score,normalised_score,anomalous" : "map,path,score");
            for (int start = 0; start < targets.size(); start += CHUNK) {
                List<Target> chunk = targets.subList(start, Math.min(targets.size(), start + CHUNK));
                long t0 = System.nanoTime();
                List<Prediction> predictions = m.predict(chunk.stream().map(Target::image).toList());
                predicting += System.nanoTime() - t0;
                for (int i = 0; i < predictions.size(); i++) {
                    Prediction p = predictions.get(i);
                    Path map = out.resolve(chunk.get(i).map());
                    Npy.write(map, p.map(), p.size(), p.size());
                    String row = csvField(chunk.get(i).map()) + "," + csvField(p.image().toString()) + "," + p.score();
                    if (calibrated) {
                        row += "," + p.normalisedScore().orElseThrow() + "," + p.anomalous().orElseThrow();
                        writeMask(maskOf(map), p.predictedMask().orElseThrow(), p.size());
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
    }

    /** {@code <map stem>_mask.png} beside the map: unique as the maps' names are. */
    private static Path maskOf(Path map) {
        String name = map.getFileName().toString();
        return map.resolveSibling(name.substring(0, name.length() - NPY.length()) + "_mask.png");
    }

    /**
     * Each input image with the relative path of its map under {@code --out} ('/'-separated):
     * {@code <name>.npy} for an image given itself, {@code <folder>/<relative path>/<name>.npy} for
     * images found in a folder. Names stay unique, ignoring case: where two images would share a map,
     * both keep their extension ({@code a.png.npy}, {@code a.jpg.npy}), and if that still collides
     * (the same name from two folders, an image given twice) later ones get {@code -2}, {@code -3}, ...
     * in input order, so the names depend only on the command line and the files' names.
     */
    private List<Target> targets() throws IOException {
        List<Path> images = new ArrayList<>();
        List<String> bases = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> walk = Files.walk(input)) {
                    for (Path image : walk.filter(Files::isRegularFile).filter(MvtecCategory::isImage).sorted().toList()) {
                        Path rel = input.relativize(image);
                        Path dir = input.toAbsolutePath().normalize().getFileName();
                        Path base = dir == null ? rel : dir.resolve(rel);
                        images.add(image);
                        bases.add(base.getParent() == null ? "" : base.getParent().toString().replace('\\', '/') + "/");
                    }
                }
            } else if (Files.isRegularFile(input)) {
                images.add(input);
                bases.add("");
            } else {
                throw new BadInputException(String.valueOf(input), "no such image or folder");
            }
        }
        if (images.isEmpty()) {
            throw new IOException(inputs + ": no images found (PNG, JPEG, BMP or TIFF)");
        }
        List<String> preferred = new ArrayList<>();
        Map<String, Integer> count = new HashMap<>();
        for (int i = 0; i < images.size(); i++) {
            String name = bases.get(i) + MvtecCategory.stem(images.get(i));
            preferred.add(name);
            count.merge(key(name), 1, Integer::sum);
        }
        Set<String> used = new HashSet<>();
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            String name = count.get(key(preferred.get(i))) == 1 ? preferred.get(i)
                    : bases.get(i) + images.get(i).getFileName();
            String unique = name;
            for (int n = 2; !used.add(key(unique)); n++) {
                unique = name + "-" + n;
            }
            targets.add(new Target(images.get(i), unique + NPY));
        }
        return targets;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
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
