package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.image.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Training with a validation set of the data set's own (MVTec AD 2's validation/good) instead of the 80/20 cut. */
class StfpmTrainerValidationTest {

    private static final StfpmConfig SMALL = StfpmConfig.paper().withImageSize(64).withEpochs(1).withBatchSize(2);

    @Test
    void everyImageGivenTrainsAndTheBestEpochIsChosenOnTheValidationImages(@TempDir Path dir) throws IOException {
        List<Path> train = StfpmTrainerTestImages.images(Files.createDirectories(dir.resolve("train")), 4);
        List<Path> validation = StfpmTrainerTestImages.images(Files.createDirectories(dir.resolve("validation")), 2);
        FeaturePyramid teacher = FeaturePyramid.teacher(SMALL);
        StfpmModel model = new StfpmTrainer(SMALL).withValidationImages(validation).train(teacher, train,
                new StfpmTrainer.Provenance(dir.toString(), "random teacher", "-"), e -> { });

        TrainingHistory h = model.history();
        assertThat(h.trainImages()).isEqualTo(4);
        assertThat(h.validationImages()).isEqualTo(2);
        INDArray x = FeaturePyramid.images(new ImagePreprocessor(64).loadAll(validation), 64);
        double loss = StfpmTrainerTestImages.graphLoss(model.student().graph(), x, teacher.features(x));
        assertThat(loss).isCloseTo(h.bestValidationLoss(), within(1e-5 * h.bestValidationLoss()));
    }

    @Test
    void anEmptyValidationSetIsRefused() {
        assertThatThrownBy(() -> new StfpmTrainer(SMALL).withValidationImages(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no validation images");
    }
}
