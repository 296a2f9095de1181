package dev.stfpm.nn;

import dev.stfpm.core.BadInputException;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.image.ImagePreprocessor;
import dev.stfpm.core.io.Sha256;
import dev.stfpm.nn.dl4j.Dl4jWorkarounds;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
 * <p>If a loss becomes NaN or infinite (the learning rate is too large for the data), training
 * stops at that epoch: the best earlier epoch's student is returned and
 * {@link TrainingHistory#stoppedEarlyAt()} records the epoch; if no epoch had a finite loss, a
 * {@link TrainingDivergedException} says so.
 *
 * <p>The images are split once, by {@link StfpmConfig#seed()}, into training and validation sets
 * ({@link StfpmConfig#validationFraction()} held out), unless the data set has a validation set of its
 * own ({@link #withValidationImages}: then every image given trains). Since the teacher is frozen and the images
 * are fixed (no augmentation, as in the paper), the teacher's features of every image are computed
 * once before the first epoch and reused: identical results, about a fifth less work per step. They
 * take about 2.6 MB per image at 256&times;256: held in memory up to a budget, in a temporary file
 * beyond it ({@link FeatureCacheLimit}, set by {@link #withFeatureCache}).
 *
 * <p>Given a checkpoint file, the trainer writes a {@link TrainingCheckpoint} after every epoch, and
 * {@link #resume} continues a killed run from it to exactly the model the uninterrupted run would
 * have returned.
 *
 * <p>The trainer prints nothing; a {@link Listener} hears of its progress (teacher features cached,
 * every mini-batch step, every epoch).
 */
public final class StfpmTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(StfpmTrainer.class);
    private final StfpmConfig config;
    private final FeatureCacheLimit cacheLimit;
    /** The validation images, or {@code null} to hold out {@link StfpmConfig#validationFraction()} of the training images. */
    private final List<Path> validation;

    /**
     * A trainer whose teacher-feature cache has the {@linkplain FeatureCacheLimit#defaults() default} limit.
     *
     * @param config every setting of the model and its training
     */
    public StfpmTrainer(StfpmConfig config) {
        this(config, FeatureCacheLimit.defaults(), null);
    }

    private StfpmTrainer(StfpmConfig config, FeatureCacheLimit cacheLimit, List<Path> validation) {
        this.config = config;
        this.cacheLimit = cacheLimit;
        this.validation = validation;
    }

    /**
     * @param limit how much memory the teacher-feature cache may take, and where it goes beyond that
     * @return a trainer like this one with that limit (the model it trains is the same, bit for bit)
     */
    public StfpmTrainer withFeatureCache(FeatureCacheLimit limit) {
        return new StfpmTrainer(config, limit, validation);
    }

    /**
     * @param images defect-free validation images of their own (MVTec AD 2's {@code validation/good}), kept
     *               apart from the training images
     * @return a trainer like this one that selects the best epoch by its loss on these images, training on
     *         every image it is given instead of holding out {@link StfpmConfig#validationFraction()} of them
     * @throws IllegalArgumentException if {@code images} is empty
     */
    public StfpmTrainer withValidationImages(List<Path> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no validation images");
        }
        return new StfpmTrainer(config, cacheLimit, List.copyOf(images));
    }

    /**
     * Trains a student, reporting each epoch.
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
        return train(teacher, images, provenance, new Listener() {
            @Override
            public void epochDone(EpochResult result) {
                onEpoch.accept(result);
            }
        });
    }

    /**
     * Trains a student, reporting its progress to a listener.
     *
     * @param teacher    the teacher (its weights are not changed)
     * @param images     defect-free training images; split into training and validation here
     * @param provenance where the images and the teacher came from, recorded in the model
     * @param listener   hears of the teacher features cached, every step and every epoch
     * @return the trained model, holding the best epoch's student
     * @throws IOException if an image cannot be read (the message names it)
     * @throws TrainingDivergedException if the loss became NaN or infinite before any epoch had a finite one
     * @throws IllegalArgumentException if the teacher was built for another image size or other
     *                                  pyramid levels than this trainer's configuration
     */
    public StfpmModel train(FeaturePyramid teacher, List<Path> images, Provenance provenance,
                            Listener listener) throws IOException {
        return run(teacher, images, provenance, listener, null, null);
    }

    /**
     * Trains a student, writing a {@link TrainingCheckpoint} after every epoch so that a run killed at
     * any moment can be continued by {@link #resume} to exactly the model this would have returned.
     * The checkpoint of an epoch is written before {@link Listener#epochDone} hears of it; an epoch
     * whose loss is not finite (training stops there) writes none. The checkpoint is left in place
     * when this returns: delete it once the model is saved.
     *
     * @param teacher    the teacher (its weights are not changed)
     * @param images     defect-free training images; split into training and validation here
     * @param provenance where the images and the teacher came from, recorded in the model
     * @param listener   hears of the teacher features cached, every step and every epoch
     * @param checkpoint the checkpoint file, replaced after every epoch (atomically); {@code null} for none
     * @return the trained model, holding the best epoch's student
     * @throws IOException if an image cannot be read, or the checkpoint cannot be written
     * @throws TrainingDivergedException if the loss became NaN or infinite before any epoch had a finite one
     */
    public StfpmModel train(FeaturePyramid teacher, List<Path> images, Provenance provenance,
                            Listener listener, Path checkpoint) throws IOException {
        return run(teacher, images, provenance, listener, checkpoint, null);
    }

    /**
     * Continues a run of {@link #train(FeaturePyramid, List, Provenance, Listener, Path)} from its
     * checkpoint, with the epoch after the last one checkpointed, and keeps checkpointing to the
     * same file. The model returned is identical, parameter for parameter and bit for bit, to the one
     * the uninterrupted run would have returned; its history holds every epoch (those before the
     * crash included). Listeners hear of the teacher features being cached again and of the
     * remaining epochs only.
     *
     * @param teacher    the same teacher as the interrupted run's
     * @param images     the same images, in the same order
     * @param provenance the same provenance
     * @param listener   hears of the progress
     * @param checkpoint the checkpoint file the interrupted run wrote
     * @return the trained model
     * @throws dev.stfpm.core.BadInputException if there is no checkpoint, it cannot be read, or it was
     *         written by a run with other settings, images, data folder or teacher
     * @throws IOException if an image cannot be read, or the checkpoint cannot be written
     */
    public StfpmModel resume(FeaturePyramid teacher, List<Path> images, Provenance provenance,
                             Listener listener, Path checkpoint) throws IOException {
        TrainingCheckpoint state = TrainingCheckpoint.load(checkpoint);
        String source = String.valueOf(checkpoint);
        if (!state.config().equals(config.toString())) {
            throw new BadInputException(source, "was written by a run with other settings (" + state.config()
                    + ") than these (" + config + "): resume with the same options");
        }
        if (!state.provenance().dataset().equals(provenance.dataset())) {
            throw new BadInputException(source, "was written by a run on " + state.provenance().dataset()
                    + ", not " + provenance.dataset() + ": resume with the same data");
        }
        if (!state.provenance().equals(provenance)) {
            throw new BadInputException(source, "was written by a run with the teacher " + state.provenance().teacherSource()
                    + " (SHA-256 " + state.provenance().teacherSha256() + "), not " + provenance.teacherSource()
                    + " (SHA-256 " + provenance.teacherSha256() + "): resume with the same teacher");
        }
        if (!state.images().equals(runImages(images))) {
            throw new BadInputException(source, "was written by a run on other images (" + state.images().size()
                    + " then, " + images.size() + " now, or other files): resume with the same data");
        }
        return run(teacher, images, provenance, listener, checkpoint, state);
    }

    private static List<String> names(List<Path> images) {
        return images.stream().map(p -> p.toAbsolutePath().toString()).toList();
    }

    /** @return the images a checkpoint records: those given, then the validation images of their own, if any */
    private List<String> runImages(List<Path> images) {
        if (validation == null) {
            return names(images);
        }
        List<String> all = new ArrayList<>(names(images));
        all.addAll(names(validation));
        return all;
    }

    private StfpmModel run(FeaturePyramid teacher, List<Path> images, Provenance provenance, Listener listener,
                           Path checkpoint, TrainingCheckpoint resumed) throws IOException {
        if (teacher.imageSize() != config.imageSize() || !teacher.levels().equals(config.pyramidLevels())) {
            throw new IllegalArgumentException("the teacher was built for " + teacher.imageSize() + " px images and levels "
                    + teacher.levels() + ", but this training is configured for " + config.imageSize()
                    + " px and levels " + config.pyramidLevels() + ": build the teacher with the same StfpmConfig");
        }
        long start = System.nanoTime();
        // training images first, then validation images: records 0 .. nTrain - 1, nTrain .. n - 1
        List<Path> cached;
        int nVal;
        if (validation != null) {
            if (images.isEmpty()) {
                throw new IllegalArgumentException("need at least one training image, got none");
            }
            cached = new ArrayList<>(images);
            cached.addAll(validation);
            nVal = validation.size();
        } else {
            List<Path> shuffled = new ArrayList<>(images);
            Collections.shuffle(shuffled, new Random(config.seed()));
            nVal = (int) Math.round(shuffled.size() * config.validationFraction());
            if (shuffled.size() - nVal < 1) {
                throw new IllegalArgumentException("need at least one training image after holding out "
                        + nVal + " for validation, got " + images.size() + " images");
            }
            cached = new ArrayList<>(shuffled.subList(nVal, shuffled.size()));
            cached.addAll(shuffled.subList(0, nVal));
        }
        List<Integer> train = records(0, cached.size() - nVal);
        List<Integer> val = records(cached.size() - nVal, cached.size());
        LOG.debug("{} training and {} validation images; caching teacher features", train.size(), val.size());
        try (TeacherFeatureCache cache = prepare(teacher, cached, listener)) {
            return run(teacher, cache, train, val, images, provenance, listener, checkpoint, resumed, start);
        }
    }

    private static List<Integer> records(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    private StfpmModel run(FeaturePyramid teacher, TeacherFeatureCache cache, List<Integer> train, List<Integer> val,
                           List<Path> images, Provenance provenance, Listener listener, Path checkpoint,
                           TrainingCheckpoint resumed, long start) throws IOException {
        FeaturePyramid student = FeaturePyramid.student(config);
        if (!Dl4jWorkarounds.isOneDnnActive(student.graph())) {
            LOG.warn("convolutions are not running on oneDNN; training will be several times slower");
        }
        Random order = new Random(config.seed());
        List<EpochResult> epochs = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        INDArray bestParams = null;
        int stoppedEarlyAt = 0;
        int firstEpoch = 1;
        double secondsBefore = 0;
        if (resumed != null) {
            // Everything that carries over from one epoch to the next: parameters (batch-norm running
            // statistics included), momentum, the graph's counters (the updater is told them), the
            // best epoch, the results and the batch-order generator. Nothing else draws random numbers
            // during training (no dropout), so the continuation is the uninterrupted run's, exactly.
            ComputationGraph graph = student.graph();
            graph.setParams(resumed.params());
            graph.getUpdater().getStateViewArray().assign(resumed.updaterState());
            graph.getConfiguration().setIterationCount(resumed.iterationCount());
            graph.getConfiguration().setEpochCount(resumed.epochCount());
            order = resumed.order();
            epochs.addAll(resumed.epochs());
            bestLoss = resumed.bestLoss();
            bestEpoch = resumed.bestEpoch();
            bestParams = resumed.bestParams();
            firstEpoch = resumed.epoch() + 1;
            secondsBefore = resumed.seconds();
            LOG.debug("resuming from {} after epoch {}", checkpoint, resumed.epoch());
        }
        int batches = (train.size() + config.batchSize() - 1) / config.batchSize();
        for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
            long t0 = System.nanoTime();
            List<Integer> batchOrder = new ArrayList<>(train);
            Collections.shuffle(batchOrder, order);
            double lossSum = 0;
            listener.epochStarted(epoch, batches);
            for (int b = 0; b < batchOrder.size(); b += config.batchSize()) {
                List<Integer> batch = batchOrder.subList(b, Math.min(batchOrder.size(), b + config.batchSize()));
                MultiDataSet data = cache.batch(batch);
                double weightDecayTerm = student.graph().calcRegularizationScore(true);
                if (epoch == firstEpoch && b == 0) {
                    Dl4jWorkarounds.quietly(() -> student.graph().fit(data));
                } else {
                    student.graph().fit(data);
                }
                // Deeplearning4j's score is (Σ losses + weight decay term) / batch size
                lossSum += student.graph().score() * batch.size() - weightDecayTerm;
                release(data);
                Dl4jWorkarounds.freeTemporaries();
                listener.batchDone(epoch, b / config.batchSize() + 1, batches);
            }
            double trainLoss = lossSum / train.size();
            int epochNumber = epoch;
            double valLoss = val.isEmpty() ? Double.NaN : validationLoss(student, cache, val,
                    (batch, of) -> listener.validationBatchDone(epochNumber, batch, of));
            double selectBy = val.isEmpty() ? trainLoss : valLoss;
            boolean diverged = !Double.isFinite(trainLoss) || !Double.isFinite(selectBy);
            boolean best = !diverged && selectBy < bestLoss;
            if (best) {
                bestLoss = selectBy;
                bestEpoch = epoch;
                Dl4jWorkarounds.release(bestParams);
                bestParams = student.graph().params().dup();
            }
            EpochResult result = new EpochResult(epoch, trainLoss, valLoss, (System.nanoTime() - t0) / 1e9, best);
            epochs.add(result);
            if (checkpoint != null && !diverged) {
                ComputationGraph graph = student.graph();
                new TrainingCheckpoint(config.toString(), provenance, runImages(images), epoch,
                        graph.getConfiguration().getIterationCount(), graph.getConfiguration().getEpochCount(),
                        graph.params(), graph.getUpdater().getStateViewArray(), bestEpoch, bestLoss, bestParams,
                        epochs, order, secondsBefore + (System.nanoTime() - start) / 1e9).save(checkpoint);
            }
            listener.epochDone(result);
            if (diverged) {
                String losses = "training loss " + trainLoss + (val.isEmpty() ? "" : ", validation loss " + valLoss);
                if (bestParams == null) {
                    throw new TrainingDivergedException(epoch, "training diverged at epoch " + epoch + " (" + losses
                            + ") and no epoch had a finite " + (val.isEmpty() ? "training" : "validation")
                            + " loss, so there is no model to keep; nothing was saved: try a lower learning rate than "
                            + config.learningRate());
                }
                stoppedEarlyAt = epoch;
                LOG.warn("training stopped early at epoch {} of {}: the loss is no longer finite ({}); "
                        + "keeping epoch {}, try a lower learning rate than {}", epoch, config.epochs(), losses,
                        bestEpoch, config.learningRate());
                break;
            }
        }
        student.graph().setParams(bestParams);
        TrainingHistory history = new TrainingHistory(provenance.dataset(), train.size(), val.size(),
                provenance.teacherSource(), provenance.teacherSha256(), epochs, bestEpoch,
                secondsBefore + (System.nanoTime() - start) / 1e9, Instant.now().toString(), software(), stoppedEarlyAt);
        return new StfpmModel(config, teacher, student, history, null);
    }

    /** Mean per-image loss of the validation split, in inference mode; reports each mini-batch scored. */
    private double validationLoss(FeaturePyramid student, TeacherFeatureCache cache, List<Integer> samples,
                                  java.util.function.BiConsumer<Integer, Integer> batchDone) {
        double sum = 0;
        int batches = (samples.size() + config.batchSize() - 1) / config.batchSize();
        for (int b = 0; b < samples.size(); b += config.batchSize()) {
            List<Integer> batch = samples.subList(b, Math.min(samples.size(), b + config.batchSize()));
            MultiDataSet data = cache.batch(batch);
            // the student's inference-mode features and the loss on them: the graph's own score(data, false)
            // adds the weight decay term and allocates every activation afresh (several times slower)
            INDArray[] features = student.features(data.getFeatures(0));
            for (double loss : PyramidMatchingLoss.perImage(data.getLabels(), features)) {
                sum += loss;
            }
            Dl4jWorkarounds.release(features);
            release(data);
            Dl4jWorkarounds.freeTemporaries();
            batchDone.accept(b / config.batchSize() + 1, batches);
        }
        return sum / samples.size();
    }

    /**
     * Loads images and computes the teacher's features of each, once, a mini-batch at a time, into a
     * cache whose records follow the list's order.
     */
    private TeacherFeatureCache prepare(FeaturePyramid teacher, List<Path> files, Listener listener)
            throws IOException {
        ImagePreprocessor pre = new ImagePreprocessor(config.imageSize());
        int s = config.imageSize();
        int chunk = Math.max(1, config.batchSize());
        long[][] levels = teacher.levelShapes();
        long[][] shapes = new long[levels.length + 1][];
        shapes[0] = new long[] {s, s, 3}; // the networks' channels-last input, FeaturePyramid.images
        System.arraycopy(levels, 0, shapes, 1, levels.length);
        TeacherFeatureCache cache = new TeacherFeatureCache(shapes, files.size(), cacheLimit);
        LOG.debug("teacher features of {} images take {} bytes, {}", files.size(), cache.totalBytes(),
                cache.isFileBacked() ? "in the temporary file " + cache.file() : "in memory");
        try {
            listener.cachingStarted(files.size(), cache.totalBytes(),
                    cache.isFileBacked() ? Optional.of(cacheLimit.directory()) : Optional.empty());
            for (int start = 0; start < files.size(); start += chunk) {
                int n = Math.min(chunk, files.size() - start);
                INDArray x = FeaturePyramid.images(pre.loadAll(files.subList(start, start + n)), s);
                INDArray[] features = teacher.features(x);
                cache.put(start, x, features);
                Dl4jWorkarounds.release(x);
                Dl4jWorkarounds.release(features);
                listener.featuresCached(start + n, files.size());
            }
            return cache;
        } catch (IOException | RuntimeException e) {
            cache.close();
            throw e;
        }
    }

    /** Frees a mini-batch's native memory now (see {@link Dl4jWorkarounds#release}). */
    private static void release(MultiDataSet data) {
        Dl4jWorkarounds.release(data.getFeatures());
        Dl4jWorkarounds.release(data.getLabels());
    }

    private static String software() {
        return StfpmModel.RELEASE + ", deeplearning4j "
                + version(ComputationGraph.class) + ", nd4j backend "
                + Nd4j.getBackend().getClass().getSimpleName() + ", java " + System.getProperty("java.version");
    }

    private static String version(Class<?> c) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * Hears of a training run's progress, on the training thread. Every method does nothing unless
     * overridden. Calls come in this order: {@link #cachingStarted}, {@link #featuresCached} (one or
     * more), then per epoch {@link #epochStarted}, {@link #batchDone} per mini-batch step and {@link #epochDone}.
     */
    public interface Listener {

        /**
         * The teacher's features of every image (training and validation) are about to be computed: no
         * image is loaded yet.
         *
         * @param images    the number of images to load and run through the teacher
         * @param bytes     the bytes the cache of their features takes
         * @param directory the folder of the temporary file the cache lies in, if it is over the
         *                  {@link FeatureCacheLimit#memoryBytes() memory budget}; empty if it is in memory
         */
        default void cachingStarted(int images, long bytes, Optional<Path> directory) {
        }

        /**
         * Another mini-batch of images has its teacher features cached.
         *
         * @param done  images cached so far
         * @param total images to cache ({@code done == total} at the last call)
         */
        default void featuresCached(int done, int total) {
        }

        /**
         * An epoch begins.
         *
         * @param epoch   1-based epoch number
         * @param batches mini-batch steps the epoch will take (the same in every epoch)
         */
        default void epochStarted(int epoch, int batches) {
        }

        /**
         * A mini-batch step (forward, backward, update) is done.
         *
         * @param epoch   1-based epoch number
         * @param batch   1-based step number within the epoch
         * @param batches steps per epoch
         */
        default void batchDone(int epoch, int batch, int batches) {
        }

        /**
         * A mini-batch of the validation split is scored (after the epoch's steps, before {@code epochDone}).
         *
         * @param epoch   1-based epoch number
         * @param batch   1-based validation mini-batch number
         * @param batches validation mini-batches per epoch
         */
        default void validationBatchDone(int epoch, int batch, int batches) {
        }

        /**
         * An epoch is done, its validation loss included, and its checkpoint (if any) written.
         *
         * @param result what it achieved
         */
        default void epochDone(EpochResult result) {
        }
    }

    /**
     * Where a model's inputs came from, recorded in its {@link TrainingHistory}.
     *
     * @param dataset       the training images' folder
     * @param teacherSource the teacher weights' file
     * @param teacherSha256 its SHA-256, hex
     */
    public record Provenance(String dataset, String teacherSource, String teacherSha256) {

        /**
         * @param dataset     the training images' folder
         * @param teacherOnnx the teacher's ONNX file (its SHA-256 is computed here)
         * @return the provenance of a model trained on that folder with that teacher
         * @throws IOException if the teacher file cannot be read
         */
        public static Provenance of(Path dataset, Path teacherOnnx) throws IOException {
            return new Provenance(dataset.toAbsolutePath().toString(), teacherOnnx.toAbsolutePath().toString(),
                    Sha256.of(teacherOnnx));
        }
    }
}
