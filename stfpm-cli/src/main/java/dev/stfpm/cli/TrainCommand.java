package dev.stfpm.cli;

import dev.stfpm.core.BadInputException;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.data.Dataset;
import dev.stfpm.core.data.TrainFraction;
import dev.stfpm.nn.FeatureCacheLimit;
import dev.stfpm.nn.FeaturePyramid;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.StfpmTrainer;
import dev.stfpm.nn.TrainingCheckpoint;
import dev.stfpm.nn.onnx.Teacher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stfpm train}: trains a student on a data set's training images ({@code train/good} in MVTec AD). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a student on the data set's defect-free training images (<data>/train/good in MVTec AD) and"
                + " save the model to one file. Defaults are the paper's.")
final class TrainCommand implements Callable<Integer> {

    private static final StfpmConfig PAPER = StfpmConfig.paper();

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "data folder (layouts: docs/DATASETS.md)")
    Path data;

    @Mixin
    LayoutOptions layout;

    @Option(names = "--out", required = true, description = "model file to write")
    Path out;

    @Option(names = "--teacher", description = "teacher ONNX file (default: $STFPM_TEACHER, else the shipped ImageNet ResNet-18)")
    Path teacher;

    @Option(names = "--epochs", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs = PAPER.epochs();

    @Option(names = "--batch-size", description = "images per step (default: ${DEFAULT-VALUE})")
    int batchSize = PAPER.batchSize();

    @Option(names = "--seed", description = "seed of split, initialisation and batch order (default: ${DEFAULT-VALUE})")
    long seed = PAPER.seed();

    @Option(names = "--lr", description = "SGD learning rate (default: ${DEFAULT-VALUE})")
    double learningRate = PAPER.learningRate();

    @Option(names = "--momentum", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    double momentum = PAPER.momentum();

    @Option(names = "--weight-decay", description = "L2 weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay = PAPER.weightDecay();

    @Option(names = "--image-size", description = "input side in pixels (default: ${DEFAULT-VALUE})")
    int imageSize = PAPER.imageSize();

    @Option(names = "--validation-fraction", description = "share of the training images held out for validation, unless"
            + " the data set has a validation set (mvtec2) (default: ${DEFAULT-VALUE})")
    double validationFraction = PAPER.validationFraction();

    @Option(names = "--levels", split = ",", description = "pyramid levels, in order, from layer1 to layer4; layer4 needs"
            + " a teacher exported up to layer4 (default: layer1,layer2,layer3)")
    List<String> levels = PAPER.pyramidLevels();

    @Option(names = "--train-fraction", description = "share of the training images to use, in (0, 1], a fixed subset per --seed:"
            + " the paper's Section 5.4 trains on 0.05 and 0.1 (default: ${DEFAULT-VALUE})")
    double trainFraction = TrainFraction.ALL.fraction();

    @Option(names = "--checkpoint", description = "checkpoint file, replaced after every epoch and removed once the model"
            + " is saved (default: <out>.checkpoint)")
    Path checkpoint;

    @Option(names = "--resume", description = "continue the run that wrote the checkpoint (killed or crashed) with the"
            + " epoch after its last; give the same options. The model is the one the uninterrupted run would have saved")
    boolean resume;

    @Option(names = "--cache-memory", converter = ByteSize.class, paramLabel = "SIZE",
            description = "most memory for the teacher features computed once before training (about 2.6 MB per image"
                    + " at 256 px), e.g. 512m or 0; a larger set goes to a temporary file in --cache-dir (default: 256m)")
    long cacheMemory = FeatureCacheLimit.DEFAULT_MEMORY_BYTES;

    @Option(names = "--cache-dir", description = "folder of that file, which is removed when training ends"
            + " (default: the folder of --out)")
    Path cacheDir;

    @Override
    public Integer call() throws IOException {
        StfpmConfig config = config();
        TrainFraction fraction;
        try {
            fraction = new TrainFraction(trainFraction);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--train-fraction" + e.getMessage().substring("train fraction".length()), e);
        }
        Dataset dataset = layout.open(spec, data, null);
        List<Path> all = dataset.trainImages();
        List<Path> images = fraction.select(all, seed);
        Optional<List<Path>> validation = dataset.validationImages();
        checkNotAnInput(out, data, all, TeacherLocator.file(teacher, System.getenv()));
        Teacher teacherWeights = TeacherLocator.locate(teacher, System.getenv());
        checkWritable(out);
        Path checkpointFile = checkpoint != null ? checkpoint : TrainingCheckpoint.beside(out);
        checkNotAnInput(checkpointFile, data, images, TeacherLocator.file(teacher, System.getenv()));
        if (checkpointFile.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new BadInputException(String.valueOf(checkpointFile), "is also --out; the checkpoint needs a file"
                    + " of its own (default: <out>.checkpoint)");
        }
        Path outFolder = out.toAbsolutePath().getParent();
        FeatureCacheLimit cache = new FeatureCacheLimit(cacheMemory, cacheDir != null ? cacheDir : outFolder);
        try (StfpmModel model = train(spec, config, teacherWeights, dataset.root(), images, validation, cache,
                checkpointFile, resume)) {
            model.save(out);
            Files.deleteIfExists(checkpointFile);
            PrintWriter stdout = spec.commandLine().getOut();
            if (model.history().stoppedEarly()) {
                stdout.printf("training stopped early at epoch %d of %d: the loss became NaN or infinite"
                        + " (try a lower --lr); keeping epoch %d%n", model.history().stoppedEarlyAt(), epochs,
                        model.history().bestEpoch());
            }
            stdout.printf("saved %s (best epoch %d, validation loss %.5f, %.1f min)%n", out,
                    model.history().bestEpoch(), model.history().bestValidationLoss(), model.history().seconds() / 60);
            stdout.flush();
        }
        return 0;
    }

    /** StfpmConfig's setting names, as this command's options spell them. */
    private static final String[][] OPTION_NAMES = {
        {"imageSize", "--image-size"}, {"pyramidLevels", "--levels"}, {"epochs", "--epochs"},
        {"batchSize", "--batch-size"}, {"learningRate", "--lr"}, {"momentum", "--momentum"},
        {"weightDecay", "--weight-decay"}, {"validationFraction", "--validation-fraction"},
    };

    /**
     * The options as settings, validated before any file is touched.
     *
     * @return the settings
     * @throws IllegalArgumentException naming the option and its accepted range if one is out of range
     */
    StfpmConfig config() {
        try {
            return new StfpmConfig(imageSize, levels, epochs, batchSize, learningRate, momentum,
                    weightDecay, validationFraction, seed);
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            for (String[] names : OPTION_NAMES) {
                if (message.startsWith(names[0] + " ")) {
                    message = names[1] + message.substring(names[0].length());
                    break;
                }
            }
            throw new IllegalArgumentException(message, e);
        }
    }

    /**
     * Trains with progress on the console ({@code train} and {@code demo}).
     *
     * @param spec    the running command
     * @param config  the settings
     * @param teacher the teacher
     * @param data    the category folder, recorded in the model
     * @param images  its training images
     * @return the trained model
     * @throws IOException if an image cannot be read
     */
    static StfpmModel train(CommandSpec spec, StfpmConfig config, Teacher teacher, Path data, List<Path> images)
            throws IOException {
        return train(spec, config, teacher, data, images, Optional.empty(), FeatureCacheLimit.defaults(), null, false);
    }

    /**
     * Trains with progress on the console, checkpointing after every epoch.
     *
     * @param spec       the running command
     * @param config     the settings
     * @param teacher    the teacher
     * @param data       the data set's folder, recorded in the model
     * @param images     its training images
     * @param validation its validation images, if it has its own; else a share of {@code images} is held out
     * @param cache      the teacher-feature cache's memory budget and folder
     * @param checkpoint the checkpoint file, or {@code null} for none
     * @param resume     whether to continue from the checkpoint rather than start afresh
     * @return the trained model (the checkpoint is left for the caller to delete once it is saved)
     * @throws IOException if an image cannot be read, or the checkpoint is missing or of another run
     */
    static StfpmModel train(CommandSpec spec, StfpmConfig config, Teacher teacher, Path data, List<Path> images,
                            Optional<List<Path>> validation, FeatureCacheLimit cache, Path checkpoint, boolean resume)
            throws IOException {
        FeaturePyramid teacherNet = teacher.pyramid(config);
        ConsoleProgress.status(spec, String.format("%s on %d images of %s%s, teacher %s, %d epoch%s",
                resume ? "resuming training from " + checkpoint : "training", images.size(), data,
                validation.map(v -> ", validating on its " + v.size() + " validation images").orElse(""),
                teacher.source(), config.epochs(), config.epochs() == 1 ? "" : "s"));
        StfpmTrainer trainer = new StfpmTrainer(config).withFeatureCache(cache);
        if (validation.isPresent()) {
            trainer = trainer.withValidationImages(validation.get());
        }
        try (TrainingProgress progress = new TrainingProgress(spec, config.epochs(), cache.memoryBytes())) {
            return resume ? trainer.resume(teacherNet, images, teacher.provenance(data), progress, checkpoint)
                    : trainer.train(teacherNet, images, teacher.provenance(data), progress, checkpoint);
        }
    }

    /**
     * Refuses a model file that would overwrite an input: the teacher file, or anything in the data
     * folder's image folders ({@code train}, {@code test}, {@code ground_truth}) or the training images' folders.
     */
    private static void checkNotAnInput(Path out, Path data, List<Path> images, Optional<Path> teacherFile)
            throws IOException {
        if (teacherFile.isPresent()) {
            OutputFiles.refuseSame(out, teacherFile.get(), "teacher file");
        }
        for (String folder : List.of("train", "test", "ground_truth")) {
            OutputFiles.refuseInside(out, data.resolve(folder), "--data image folder");
        }
        for (Path folder : images.stream().map(p -> p.toAbsolutePath().getParent()).distinct().toList()) {
            OutputFiles.refuseInside(out, folder, "training image folder");
        }
    }

    /** Fails before hours of training if the model file could not be written afterwards. */
    private static void checkWritable(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
            Files.deleteIfExists(Files.createTempFile(parent, ".stfpm-write-check", ".tmp"));
        } catch (IOException e) {
            throw new IOException(file + ": cannot write the model there (" + e.getMessage() + ")", e);
        }
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a folder; --out takes the model file to write");
        }
    }
}
