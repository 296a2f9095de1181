package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.image.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Training on small generated images, with a randomly initialised teacher. */
class StfpmTrainerTest {

    private static final StfpmConfig SMALL = StfpmConfig.paper().withImageSize(64).withEpochs(3).withBatchSize(4);
    /** Large enough that, on these images and seed, a later epoch's validation loss is above the best's. */
    private static final double LEARNING_RATE_WITH_A_LATE_WORSE_EPOCH = 1.0;

    private static List<Path> images(Path dir, int n) throws IOException {
        return StfpmTrainerTestImages.images(dir, n);
    }

    @Test
    void trainsSplitsAndKeepsTheBestEpoch(@TempDir Path dir) throws IOException {
        List<Path> files = images(dir, 10);
        List<EpochResult> seen = new ArrayList<>();
        List<String> validated = new ArrayList<>();
        StfpmTrainer.Listener listener = new StfpmTrainer.Listener() {
            @Override
            public void epochDone(EpochResult e) {
                seen.add(e);
            }

            @Override
            public void validationBatchDone(int epoch, int batch, int batches) {
                validated.add(epoch + ":" + batch + "/" + batches);
            }
        };
        StfpmModel model = new StfpmTrainer(SMALL).train(FeaturePyramid.teacher(SMALL), files,
                new StfpmTrainer.Provenance(dir.toString(), "random teacher", "-"), listener);

        TrainingHistory h = model.history();
        assertThat(h.trainImages()).isEqualTo(8);
        assertThat(h.validationImages()).isEqualTo(2);
        assertThat(seen).isEqualTo(h.epochs()).hasSize(3);
        int validationBatches = (2 + SMALL.batchSize() - 1) / SMALL.batchSize();
        assertThat(validated).as("every validation mini-batch of every epoch is reported").hasSize(3 * validationBatches)
                .startsWith("1:1/" + validationBatches).endsWith("3:" + validationBatches + "/" + validationBatches);
        assertThat(seen).allSatisfy(e -> {
            assertThat(e.trainLoss()).isFinite().isPositive();
            assertThat(e.validationLoss()).isFinite().isPositive();
        });
        double minVal = seen.stream().mapToDouble(EpochResult::validationLoss).min().orElseThrow();
        assertThat(h.bestValidationLoss()).isEqualTo(minVal);
        assertThat(seen.stream().filter(EpochResult::best).mapToInt(EpochResult::epoch).max().orElseThrow())
                .isEqualTo(h.bestEpoch());
        assertThat(model.predict(files.get(0)).map()).hasSize(64 * 64);
    }

    @Test
    void theReturnedStudentIsTheBestValidationEpochs(@TempDir Path dir) throws IOException {
        StfpmConfig jumpy = SMALL.withEpochs(5).withLearningRate(LEARNING_RATE_WITH_A_LATE_WORSE_EPOCH);
        List<Path> files = images(dir, 10);
        FeaturePyramid teacher = FeaturePyramid.teacher(jumpy);
        StfpmModel model = new StfpmTrainer(jumpy).train(teacher, files,
                new StfpmTrainer.Provenance(dir.toString(), "random teacher", "-"), e -> { });
        TrainingHistory h = model.history();
        System.out.println("epochs: " + h.epochs());
        assertThat(h.bestEpoch()).as("a later epoch was worse, so the last is not the one kept").isLessThan(5);

        // the validation split, as the trainer makes it: the first 20 % of the seeded shuffle
        List<Path> shuffled = new ArrayList<>(files);
        Collections.shuffle(shuffled, new Random(jumpy.seed()));
        List<Path> validation = shuffled.subList(0, 2);
        INDArray x = FeaturePyramid.images(new ImagePreprocessor(64).loadAll(validation), 64);
        double loss = StfpmTrainerTestImages.graphLoss(model.student().graph(), x, teacher.features(x));
        assertThat(loss).isCloseTo(h.bestValidationLoss(), within(1e-5 * h.bestValidationLoss()));
    }

    @Test
    void refusesATeacherBuiltForOtherSettings(@TempDir Path dir) throws IOException {
        List<Path> files = images(dir, 3);
        StfpmTrainer.Provenance p = new StfpmTrainer.Provenance("d", "t", "-");
        assertThatThrownBy(() -> new StfpmTrainer(SMALL).train(FeaturePyramid.teacher(SMALL.withImageSize(96)), files,
                p, e -> { })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("96 px")
                .hasMessageContaining("64 px");
        StfpmConfig twoLevels = SMALL.withPyramidLevels(List.of("layer1", "layer2"));
        assertThatThrownBy(() -> new StfpmTrainer(SMALL).train(FeaturePyramid.teacher(twoLevels), files,
                p, e -> { })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[layer1, layer2]");
    }

    @Test
    void unreadableImageIsNamed(@TempDir Path dir) throws IOException {
        List<Path> files = new ArrayList<>(images(dir, 3));
        Path broken = dir.resolve("broken.png");
        Files.writeString(broken, "not a png");
        files.add(broken);
        assertThatThrownBy(() -> new StfpmTrainer(SMALL.withValidationFraction(0)).train(FeaturePyramid.teacher(SMALL),
                files, new StfpmTrainer.Provenance("d", "t", "-"), e -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("broken.png");
    }

    @Test
    void cachingIsAnnouncedWithItsSizeBeforeAnyImageIsLoaded(@TempDir Path dir) throws IOException {
        List<Path> files = new ArrayList<>(images(dir, 3));
        Path broken = dir.resolve("broken.png");
        Files.writeString(broken, "not a png");
        files.add(0, broken);
        List<String> heard = new ArrayList<>();
        StfpmTrainer.Listener listener = new StfpmTrainer.Listener() {
            @Override
            public void cachingStarted(int images, long bytes, Optional<Path> directory) {
                heard.add(images + " images, " + bytes + " bytes");
            }

            @Override
            public void featuresCached(int done, int total) {
                heard.add(done + " cached");
            }
        };
        assertThatThrownBy(() -> new StfpmTrainer(SMALL.withValidationFraction(0)).train(FeaturePyramid.teacher(SMALL),
                files, new StfpmTrainer.Provenance("d", "t", "-"), listener)).hasMessageContaining("broken.png");
        // per image: its 64 × 64 × 3 pixels, then layer1 … layer3 (64 × 16², 128 × 8², 256 × 4²), as float32
        long perImage = 4L * (64 * 64 * 3 + 64 * 16 * 16 + 128 * 8 * 8 + 256 * 4 * 4);
        assertThat(heard).containsExactly("4 images, " + 4 * perImage + " bytes");
    }

    /**
     * Found by a sweep on these images and seed: one image per step at this rate leaves a finite (if
     * huge, ~1e19) validation loss after epoch 1 and overflows to NaN in epoch 2.
     */
    private static final double LEARNING_RATE_FINITE_THEN_NAN = 1e5;

    @Test
    void aLossThatBecomesNonFiniteStopsTrainingAndKeepsTheBestEpoch(@TempDir Path dir) throws IOException {
        StfpmConfig diverging = SMALL.withEpochs(4).withBatchSize(1).withLearningRate(LEARNING_RATE_FINITE_THEN_NAN);
        List<Path> files = images(dir, 10);
        List<EpochResult> seen = new ArrayList<>();
        StfpmModel model = new StfpmTrainer(diverging).train(FeaturePyramid.teacher(diverging), files,
                new StfpmTrainer.Provenance(dir.toString(), "random teacher", "-"), seen::add);

        TrainingHistory h = model.history();
        System.out.println("epochs: " + h.epochs());
        assertThat(h.stoppedEarly()).isTrue();
        assertThat(h.stoppedEarlyAt()).as("stopped at the first non-finite epoch, before the fourth").isBetween(2, 3);
        assertThat(h.epochs()).isEqualTo(seen).hasSize(h.stoppedEarlyAt());
        EpochResult last = seen.get(seen.size() - 1);
        assertThat(Double.isFinite(last.trainLoss()) && Double.isFinite(last.validationLoss())).isFalse();
        assertThat(last.best()).isFalse();
        assertThat(h.bestEpoch()).isLessThan(h.stoppedEarlyAt());
        assertThat(h.bestValidationLoss()).isFinite();
        float[] map = model.predict(files.get(0)).map();
        assertThat(map).hasSize(64 * 64);
        for (float v : map) {
            assertThat(Float.isFinite(v)).as("the kept student is the finite epoch's, not the diverged one").isTrue();
        }
    }

    @Test
    void aLossThatIsNeverFiniteLeavesNoModel(@TempDir Path dir) throws IOException {
        StfpmConfig diverging = SMALL.withEpochs(3).withLearningRate(1e20);
        List<Path> files = images(dir, 10);
        List<EpochResult> seen = new ArrayList<>();
        assertThatThrownBy(() -> new StfpmTrainer(diverging).train(FeaturePyramid.teacher(diverging), files,
                new StfpmTrainer.Provenance(dir.toString(), "random teacher", "-"), seen::add))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("training diverged at epoch 1").hasMessageContaining("no epoch had a finite validation loss")
                .hasMessageContaining("nothing was saved").hasMessageContaining("lower learning rate than 1.0E20")
                .satisfies(e -> assertThat(((TrainingDivergedException) e).epoch()).isEqualTo(1));
        assertThat(seen).as("the diverged epoch was still reported").hasSize(1);
    }
}
