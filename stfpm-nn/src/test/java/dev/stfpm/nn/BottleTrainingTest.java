package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.testing.SharedFiles;
import dev.stfpm.core.data.MvtecCategory;
import dev.stfpm.core.data.TestImage;
import dev.stfpm.nn.onnx.Teacher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real data: a short training on a subset of MVTec AD bottle with the ImageNet teacher. Validation
 * loss must fall and defective test images must score higher than good ones on average. Runs at
 * 128×128 to stay quick on two cores; the full reproduction is in docs/RESULTS.md.
 */
class BottleTrainingTest {

    @Test
    void shortTrainingSeparatesDefectiveFromGoodImages() throws Exception {
        Path bottle = SharedFiles.require("datasets/mvtec_ad/bottle");
        StfpmConfig config = StfpmConfig.paper().withImageSize(128).withEpochs(8).withBatchSize(8);
        MvtecCategory category = MvtecCategory.open(bottle);
        List<Path> train = category.trainImages().subList(0, 40);

        List<EpochResult> epochs = new ArrayList<>();
        Teacher teacher = Teacher.imagenetResNet18();
        StfpmModel model = new StfpmTrainer(config).train(teacher.pyramid(config), train,
                teacher.provenance(bottle), epochs::add);

        assertThat(model.history().bestValidationLoss()).as("best validation loss vs first epoch's")
                .isLessThan(epochs.get(0).validationLoss());

        List<TestImage> tests = category.testImages();
        List<Path> good = tests.stream().filter(TestImage::isGood).map(TestImage::image).limit(10).toList();
        List<Path> defective = tests.stream().filter(t -> !t.isGood()).map(TestImage::image)
                .filter(p -> p.getFileName().toString().startsWith("00")).limit(12).toList();
        double goodMean = model.predict(good).stream().mapToDouble(Prediction::score).average().orElseThrow();
        double defectMean = model.predict(defective).stream().mapToDouble(Prediction::score).average().orElseThrow();
        assertThat(defectMean).as("mean score of defective (%s) vs good images", defective.size()).isGreaterThan(goodMean);
    }
}
