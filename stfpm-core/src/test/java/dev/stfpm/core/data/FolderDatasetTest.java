package dev.stfpm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.stfpm.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders named one by one: the seeded hold-out of normal images, masks by stem, and the errors. */
class FolderDatasetTest {

    @TempDir
    Path tmp;

    private Path root;

    @BeforeEach
    void writeFolders() throws IOException {
        root = tmp.resolve("parts");
        for (int i = 0; i < 10; i++) {
            TinyImages.image(root.resolve("good/" + i + ".png"), 32);
        }
        TinyImages.image(root.resolve("bad/a.png"), 32);
        TinyImages.image(root.resolve("bad/b.png"), 32);
        TinyImages.mask(root.resolve("masks/a.png"), 32, 255);
        TinyImages.mask(root.resolve("masks/b_mask.bmp"), 32, 255);
    }

    private static DatasetOptions folders(String normal, String abnormal, String masks, String normalTest) {
        return DatasetOptions.NONE.withFolders(path(normal), path(abnormal), path(masks), path(normalTest));
    }

    private static Path path(String p) {
        return p == null ? null : Path.of(p);
    }

    @Test
    void holdsOutAFifthOfTheNormalImagesTheSameWayEveryTime() throws IOException {
        Dataset d = DatasetLayout.detect(root, folders("good", "bad", "masks", null));
        assertThat(d.layout()).isEqualTo(DatasetLayout.FOLDER);
        List<Path> train = d.trainImages();
        List<TestImage> tests = d.testImages();
        List<Path> heldOut = tests.stream().filter(TestImage::isGood).map(TestImage::image).toList();
        assertThat(train).hasSize(8).isSorted().doesNotContainAnyElementsOf(heldOut);
        assertThat(heldOut).hasSize(2);
        List<Path> all = new ArrayList<>(train);
        all.addAll(heldOut);
        assertThat(all).containsExactlyInAnyOrderElementsOf(MvtecCategory.imagesIn(root.resolve("good")));
        Dataset again = DatasetLayout.FOLDER.open(root, folders("good", "bad", "masks", null));
        assertThat(again.trainImages()).isEqualTo(train);
        assertThat(again.testImages()).isEqualTo(tests);

        assertThat(tests.subList(0, 2)).extracting(TestImage::defect, TestImage::name, TestImage::mask).containsExactly(
                tuple("abnormal", "a", Optional.of(root.resolve("masks/a.png"))),
                tuple("abnormal", "b", Optional.of(root.resolve("masks/b_mask.bmp"))));
        assertThat(tests.get(0).mapPath(Path.of("maps"))).isEqualTo(Path.of("maps/test/abnormal/a.npy"));
    }

    @Test
    void normalTestImagesGivenApartLeaveEveryNormalImageForTraining() throws IOException {
        TinyImages.image(root.resolve("good-test/x.png"), 32);
        Dataset d = DatasetLayout.detect(root, folders("good", null, null, "good-test"));
        assertThat(d.trainImages()).hasSize(10);
        assertThat(d.testImages()).extracting(TestImage::defect, TestImage::name).containsExactly(tuple("good", "x"));
    }

    @Test
    void withoutMasksAbnormalImagesHaveNone() throws IOException {
        List<TestImage> tests = DatasetLayout.detect(root, folders("good", "bad", null, null)).testImages();
        assertThat(tests).filteredOn(t -> !t.isGood()).hasSize(2).allMatch(t -> t.mask().isEmpty());
    }

    @Test
    void imagesSharingAStemKeepDistinctMapPaths() throws IOException {
        TinyImages.image(root.resolve("bad/a.bmp"), 32);
        List<TestImage> tests = DatasetLayout.detect(root, folders("good", "bad", null, null)).testImages();
        assertThat(tests).filteredOn(t -> !t.isGood()).extracting(TestImage::name).containsExactly("a.bmp", "a.png", "b");
    }

    @Test
    void anAbnormalImageWithoutItsMaskOrAMaskOfAnotherSizeIsNamed() throws IOException {
        Files.delete(root.resolve("masks/b_mask.bmp"));
        assertThatThrownBy(() -> DatasetLayout.detect(root, folders("good", "bad", "masks", null)).testImages())
                .isInstanceOf(BadInputException.class).hasMessage(root.resolve("bad/b.png") + ": no mask for it in "
                        + root.resolve("masks") + " (expected b.png or b_mask.png, any image extension)");
        TinyImages.mask(root.resolve("masks/b.png"), 64, 255);
        assertThatThrownBy(() -> DatasetLayout.detect(root, folders("good", "bad", "masks", null)).testImages())
                .isInstanceOf(BadInputException.class)
                .hasMessage(root.resolve("masks/b.png") + ": mask is 64x64 pixels, but its image " + root.resolve("bad/b.png")
                        + " is 32x32");
    }

    @Test
    void emptySplitsMissingFoldersAndMasksWithoutImagesAreRefused() throws IOException {
        Files.createDirectories(root.resolve("none"));
        assertThatThrownBy(() -> DatasetLayout.detect(root, folders("none", "bad", null, null)).trainImages())
                .isInstanceOf(BadInputException.class).hasMessageStartingWith(root.resolve("none") + ": no training images");
        TinyImages.image(root.resolve("one/0.png"), 32);
        Dataset single = DatasetLayout.detect(root, folders("one", null, null, null));
        assertThat(single.trainImages()).hasSize(1);
        assertThatThrownBy(single::testImages).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(root + ": no test images");
        assertThatThrownBy(() -> DatasetLayout.detect(root, folders("good", "nope", null, null)))
                .isInstanceOf(BadInputException.class).hasMessage(root.resolve("nope") + ": no such folder (--abnormal)");
        assertThatThrownBy(() -> DatasetLayout.detect(root, folders("good", null, "masks", null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("masks given without the abnormal images");
    }
}
