package dev.stfpm.nn;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.image.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a student against a frozen teacher on defect-free images, as in the paper: SGD, batches
 * of {@link StfpmConfig#batchSize()}, {@link StfpmConfig#epochs()} epochs, and the student of the
 * epoch with the lowest validation loss kept.
 *
 * <p>The images are split once, by {@link StfpmConfig#seed()}, into training and validation sets
 * ({@link StfpmConfig#validationFraction()} held out). Since the teacher is frozen and the images
 * are fixed (no augmentation, as in the paper), the teacher's features of every image are computed
 * once before the first epoch and reused: identical results, about a fifth less work per step.
 */
public final class StfpmTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(StfpmTrainer.class);
    private final StfpmConfig config;

    /**
     * @param config every setting of the model and its training
     */
    public StfpmTrainer(StfpmConfig config) {
        this.config = config;
    }

    /**
     * Trains a student.
     *
     * @param teacher  the teacher (its weights are not changed)
     * @param images   defect-free training images; split into training and validation here
     * @param provenance where the images and the teacher came from, recorded in the model
     * @param onEpoch  called after every epoch (progress reporting)
     * @return the trained model, holding the best epoch's student
     * @throws IOException if an image cannot be read (the message names it)
     */
    public StfpmModel train(FeaturePyramid teacher, List<Path> images, Provenance provenance,
                            Consumer<EpochResult> onEpoch) throws IOException {
        long start = System.nanoTime();
        List<Path> shuffled = new ArrayList<>(images);
        Collections.shuffle(shuffled, new Random(config.seed()));
        int nVal = (int) Math.round(shuffled.size() * config.validationFraction());
        if (shuffled.size() - nVal < 1) {
            throw new IllegalArgumentException("need at least one training image after holding out "
                    + nVal + " for validation, got " + images.size() + " images");
        }
        List<Path> valFiles = shuffled.subList(0, nVal);
        List<Path> trainFiles = shuffled.subList(nVal, shuffled.size());
        LOG.info("{} training and {} validation images; caching teacher features", trainFiles.size(), valFiles.size());
        List<Sample> train = prepare(teacher, trainFiles);
        List<Sample> val = prepare(teacher, valFiles);

        FeaturePyramid student = FeaturePyramid.student(config);
        if (!OneDnn.isActive(student.graph())) {
            LOG.warn("convolutions are not running on oneDNN; training will be several times slower");
        }
        Random order = new Random(config.seed());
        List<EpochResult> epochs = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        INDArray bestParams = null;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            long t0 = System.nanoTime();
            List<Sample> batchOrder = new ArrayList<>(train);
            Collections.shuffle(batchOrder, order);
            double lossSum = 0;
            for (int b = 0; b < batchOrder.size(); b += config.batchSize()) {
                List<Sample> batch = batchOrder.subList(b, Math.min(batchOrder.size(), b + config.batchSize()));
                MultiDataSet data = stack(batch);
                student.graph().fit(data);
                lossSum += student.graph().score() * batch.size();
                release(data);
            }
            double trainLoss = lossSum / train.size();
            double valLoss = val.isEmpty() ? Double.NaN : loss(student, val);
            double selectBy = val.isEmpty() ? trainLoss : valLoss;
            boolean best = selectBy < bestLoss;
            if (best) {
                bestLoss = selectBy;
                bestEpoch = epoch;
                NativeMemory.release(bestParams);
                bestParams = student.graph().params().dup();
            }
            // Deeplearning4j's layers leave temporaries off-heap that only a collection frees; one per
            // epoch keeps a run's memory flat (a small heap alone may wait gigabytes for one).
            Nd4j.getMemoryManager().invokeGc();
            EpochResult result = new EpochResult(epoch, trainLoss, valLoss, (System.nanoTime() - t0) / 1e9, best);
            epochs.add(result);
            onEpoch.accept(result);
            if (!Double.isFinite(trainLoss)) {
                throw new IllegalStateException("training diverged at epoch " + epoch + " (loss " + trainLoss
                        + "); try a lower learning rate");
            }
        }
        student.graph().setParams(bestParams);
        TrainingHistory history = new TrainingHistory(provenance.dataset(), train.size(), val.size(),
                provenance.teacherSource(), provenance.teacherSha256(), epochs, bestEpoch,
                (System.nanoTime() - start) / 1e9, Instant.now().toString(), software());
        return new StfpmModel(config, teacher, student, history, null);
    }

    /** Mean per-image loss of a set, in inference mode. */
    private double loss(FeaturePyramid student, List<Sample> samples) {
        double sum = 0;
        for (int b = 0; b < samples.size(); b += config.batchSize()) {
            List<Sample> batch = samples.subList(b, Math.min(samples.size(), b + config.batchSize()));
            MultiDataSet data = stack(batch);
            sum += student.graph().score(data, false) * batch.size();
            release(data);
        }
        return sum / samples.size();
    }

    /** Loads images and computes the teacher's features of each, once. */
    private List<Sample> prepare(FeaturePyramid teacher, List<Path> files) throws IOException {
        ImagePreprocessor pre = new ImagePreprocessor(config.imageSize());
        int s = config.imageSize();
        List<float[]> pixels = pre.loadAll(files);
        List<Sample> samples = new ArrayList<>(files.size());
        int chunk = Math.max(1, config.batchSize());
        for (int start = 0; start < files.size(); start += chunk) {
            int n = Math.min(chunk, files.size() - start);
            INDArray x = FeaturePyramid.images(pixels.subList(start, start + n), s);
            INDArray[] features = teacher.features(x);
            for (int i = 0; i < n; i++) {
                INDArray[] own = new INDArray[features.length];
                for (int l = 0; l < features.length; l++) {
                    own[l] = features[l].get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + 1)).dup('c');
                }
                samples.add(new Sample(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + 1)).dup('c'), own));
            }
            NativeMemory.release(x);
            NativeMemory.release(features);
        }
        return samples;
    }

    /** Frees a mini-batch's native memory now (see {@link NativeMemory}). */
    private static void release(MultiDataSet data) {
        NativeMemory.release(data.getFeatures());
        NativeMemory.release(data.getLabels());
    }

    /** Concatenates samples into one mini-batch: images as input, teacher features as labels. */
    private static MultiDataSet stack(List<Sample> batch) {
        INDArray x = concat(batch.stream().map(Sample::image).toArray(INDArray[]::new));
        int levels = batch.get(0).teacher().length;
        INDArray[] labels = new INDArray[levels];
        for (int l = 0; l < levels; l++) {
            int level = l;
            labels[l] = concat(batch.stream().map(smp -> smp.teacher()[level]).toArray(INDArray[]::new));
        }
        return new MultiDataSet(new INDArray[] {x}, labels);
    }

    /** A new array holding the parts one after another (never one of the parts itself). */
    private static INDArray concat(INDArray[] parts) {
        return parts.length == 1 ? parts[0].dup() : Nd4j.concat(0, parts);
    }

    private static String software() {
        return "stfpm-java " + version(StfpmTrainer.class) + ", deeplearning4j "
                + version(org.deeplearning4j.nn.graph.ComputationGraph.class) + ", nd4j backend "
                + Nd4j.getBackend().getClass().getSimpleName() + ", java " + System.getProperty("java.version");
    }

    private static String version(Class<?> c) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** One training image, preprocessed, with the teacher's features of it. */
    private record Sample(INDArray image, INDArray[] teacher) {
    }

    /**
     * Where a model's inputs came from, recorded in its {@link TrainingHistory}.
     *
     * @param dataset       the training images' folder
     * @param teacherSource the teacher weights' file
     * @param teacherSha256 its SHA-256, hex
     */
    public record Provenance(String dataset, String teacherSource, String teacherSha256) {
    }
}
