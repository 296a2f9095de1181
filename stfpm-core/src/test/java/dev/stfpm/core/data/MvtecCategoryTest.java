package dev.stfpm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MvtecCategoryTest {

    private static void touch(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }

    @Test
    void listsTrainAndTestImagesWithMasks(@TempDir Path root) throws IOException {
        touch(root.resolve("train/good/001.png"));
        touch(root.resolve("train/good/000.png"));
        touch(root.resolve("train/good/readme.txt"));
        touch(root.resolve("test/good/000.png"));
        touch(root.resolve("test/crack/000.png"));
        touch(root.resolve("test/crack/001.jpg"));
        touch(root.resolve("ground_truth/crack/000_mask.png"));

        MvtecCategory c = MvtecCategory.open(root);
        assertThat(c.trainImages()).extracting(p -> p.getFileName().toString()).containsExactly("000.png", "001.png");
        List<TestImage> tests = c.testImages();
        assertThat(tests).extracting(TestImage::defect, TestImage::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("crack", "000"),
                        org.assertj.core.groups.Tuple.tuple("crack", "001"),
                        org.assertj.core.groups.Tuple.tuple("good", "000"));
        assertThat(tests.get(0).mask()).contains(root.resolve("ground_truth/crack/000_mask.png"));
        assertThat(tests.get(1).mask()).isEmpty();
        assertThat(tests.get(2).isGood()).isTrue();
        assertThat(tests.get(0).mapPath(Path.of("maps"))).isEqualTo(Path.of("maps/test/crack/000.npy"));
    }

    @Test
    void missingFoldersAreNamed(@TempDir Path root) throws IOException {
        assertThatThrownBy(() -> MvtecCategory.open(root.resolve("nope"))).hasMessageContaining("nope");
        MvtecCategory empty = MvtecCategory.open(root);
        assertThatThrownBy(empty::trainImages).hasMessageContaining("train").hasMessageContaining("no training images");
        assertThatThrownBy(empty::testImages).hasMessageContaining("test");
    }
}
