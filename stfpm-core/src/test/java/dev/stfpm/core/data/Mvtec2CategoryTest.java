package dev.stfpm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.stfpm.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MVTec AD 2: its own validation set, the public test set with masks, the private ones without ground truth. */
class Mvtec2CategoryTest {

    @TempDir
    Path tmp;

    private Path root;

    @BeforeEach
    void writeObject() throws IOException {
        root = tmp.resolve("can");
        for (String name : List.of("000", "001", "002", "003")) {
            TinyImages.image(root.resolve("train/good/" + name + ".png"), 32);
        }
        TinyImages.image(root.resolve("validation/good/000.png"), 32);
        TinyImages.image(root.resolve("validation/good/001.png"), 32);
        TinyImages.image(root.resolve("test_public/good/000.png"), 32);
        TinyImages.image(root.resolve("test_public/bad/000.png"), 32);
        TinyImages.image(root.resolve("test_public/bad/001.png"), 32);
        TinyImages.mask(root.resolve("test_public/ground_truth/bad/000_mask.png"), 32, 255);
        TinyImages.mask(root.resolve("test_public/ground_truth/bad/001_mask.png"), 32, 255);
        TinyImages.image(root.resolve("test_private/000.png"), 32);
        TinyImages.image(root.resolve("test_private/001.png"), 32);
        TinyImages.image(root.resolve("test_private_mixed/000.png"), 32);
    }

    @Test
    void listsTrainingValidationAndPublicTestImagesWithMasks() throws IOException {
        Dataset d = DatasetLayout.detect(root, DatasetOptions.NONE);
        assertThat(d).isEqualTo(new Mvtec2Category(root, Mvtec2Category.PUBLIC));
        assertThat(d.trainImages()).hasSize(4);
        assertThat(d.validationImages()).contains(List.of(root.resolve("validation/good/000.png"),
                root.resolve("validation/good/001.png")));
        List<TestImage> tests = d.testImages();
        assertThat(tests).extracting(TestImage::defect, TestImage::name, TestImage::labelled)
                .containsExactly(tuple("bad", "000", true), tuple("bad", "001", true), tuple("good", "000", true));
        assertThat(tests.get(0).mask()).contains(root.resolve("test_public/ground_truth/bad/000_mask.png"));
        assertThat(tests.get(2).mask()).isEmpty();
        assertThat(tests.get(2).isGood()).isTrue();
        assertThat(tests.get(1).mapPath(Path.of("maps"))).isEqualTo(Path.of("maps/test/bad/001.npy"));
    }

    @Test
    void privateSplitsAreUnlabelledUnderTheirOwnName() throws IOException {
        List<TestImage> tests = DatasetLayout.detect(root, DatasetOptions.NONE.withSplit(Mvtec2Category.PRIVATE)).testImages();
        assertThat(tests).extracting(TestImage::defect, TestImage::name, TestImage::labelled, TestImage::mask)
                .containsExactly(tuple("test_private", "000", false, Optional.empty()),
                        tuple("test_private", "001", false, Optional.empty()));
        assertThat(tests.get(0).isGood()).isFalse();
        assertThat(tests.get(0).mapPath(Path.of("maps"))).isEqualTo(Path.of("maps/test/test_private/000.npy"));
        assertThat(Mvtec2Category.open(root, Mvtec2Category.PRIVATE_MIXED).testImages()).hasSize(1);
    }

    @Test
    void withoutAValidationFolderTrainingHoldsOutItsOwnShare() throws IOException {
        Files.delete(root.resolve("validation/good/000.png"));
        Files.delete(root.resolve("validation/good/001.png"));
        assertThat(Mvtec2Category.open(root, Mvtec2Category.PUBLIC).validationImages()).isEmpty();
    }

    @Test
    void badSplitsAndMasksAreNamed() throws IOException {
        assertThatThrownBy(() -> DatasetLayout.MVTEC2.open(root, DatasetOptions.NONE.withSplit("test_secret")))
                .isInstanceOf(BadInputException.class)
                .hasMessage(root + ": MVTec AD 2 has no test split 'test_secret' (it has test_public, test_private,"
                        + " test_private_mixed)");

        Path mask = TinyImages.mask(root.resolve("test_public/ground_truth/bad/001_mask.png"), 16, 255);
        assertThatThrownBy(() -> Mvtec2Category.open(root, Mvtec2Category.PUBLIC).testImages())
                .isInstanceOf(BadInputException.class)
                .hasMessage(mask + ": mask is 16x16 pixels, but its image " + root.resolve("test_public/bad/001.png")
                        + " is 32x32");

        for (Path p : List.of(root.resolve("test_private/000.png"), root.resolve("test_private/001.png"))) {
            Files.delete(p);
        }
        assertThatThrownBy(() -> Mvtec2Category.open(root, Mvtec2Category.PRIVATE).testImages())
                .isInstanceOf(BadInputException.class).hasMessage(root.resolve("test_private") + ": no test images");
        for (String name : List.of("000", "001", "002", "003")) {
            Files.delete(root.resolve("train/good/" + name + ".png"));
        }
        assertThatThrownBy(() -> Mvtec2Category.open(root, Mvtec2Category.PUBLIC).trainImages())
                .isInstanceOf(BadInputException.class).hasMessageContaining("no training images");
    }
}
