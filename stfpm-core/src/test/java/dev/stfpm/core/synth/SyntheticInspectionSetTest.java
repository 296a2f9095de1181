package dev.stfpm.core.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.data.MvtecCategory;
import dev.stfpm.core.data.TestImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticInspectionSetTest {

    private static final SyntheticSpec DEMO = SyntheticSpec.demo();
    private static final SyntheticSpec SMALL = new SyntheticSpec(64, 3, 2, 2, 7);

    @Test
    void sameSeedGivesTheSamePixels() {
        for (String defect : List.of("good", "scratch", "hole")) {
            SyntheticInspectionSet.Sample a = SyntheticInspectionSet.render(DEMO, "test", defect, 3);
            SyntheticInspectionSet.Sample b = SyntheticInspectionSet.render(DEMO, "test", defect, 3);
            assertThat(pixels(a.image())).isEqualTo(pixels(b.image()));
        }
    }

    @Test
    void seedSplitAndIndexEachChangeTheImage() {
        int[] base = pixels(SyntheticInspectionSet.render(DEMO, "train", "good", 0).image());
        assertThat(pixels(SyntheticInspectionSet.render(DEMO.withSeed(43), "train", "good", 0).image())).isNotEqualTo(base);
        assertThat(pixels(SyntheticInspectionSet.render(DEMO, "train", "good", 1).image())).isNotEqualTo(base);
        assertThat(pixels(SyntheticInspectionSet.render(DEMO, "test", "good", 0).image())).isNotEqualTo(base);
    }

    @Test
    void goodImagesHaveNoMask() {
        SyntheticInspectionSet.Sample good = SyntheticInspectionSet.render(DEMO, "train", "good", 5);
        assertThat(good.isGood()).isTrue();
        assertThat(good.mask()).isNull();
        assertThat(good.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(good.image().getWidth()).isEqualTo(128);
        assertThat(pixels(good.clean())).isEqualTo(pixels(good.image()));
    }

    @Test
    void maskIsExactlyThePixelsTheDefectChanged() {
        for (String defect : SyntheticInspectionSet.DEFECT_TYPES) {
            for (int index = 0; index < DEMO.testImagesPerDefect(); index++) {
                SyntheticInspectionSet.Sample s = SyntheticInspectionSet.render(DEMO, "test", defect, index);
                String what = defect + " " + index;
                assertThat(s.mask().getType()).as(what).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
                int[] image = pixels(s.image());
                int[] clean = pixels(s.clean());
                int[] mask = s.mask().getRaster().getPixels(0, 0, 128, 128, (int[]) null);
                int area = 0;
                int changedOutside = 0;
                long difference = 0;
                for (int i = 0; i < mask.length; i++) {
                    if (mask[i] == 0) {
                        changedOutside += image[i] == clean[i] ? 0 : 1;
                    } else {
                        area++;
                        difference += maxChannelDifference(image[i], clean[i]);
                    }
                }
                assertThat(mask).as(what).containsOnly(0, 255);
                assertThat(changedOutside).as(what + ": pixels changed outside the mask").isZero();
                assertThat(area).as(what + ": mask area").isGreaterThanOrEqualTo(10);
                assertThat(difference / (double) area).as(what + ": mean change inside the mask, of 255")
                        .isGreaterThan(10);
            }
        }
    }

    @Test
    void smallestImageSizeStillShowsEveryDefect() {
        SyntheticSpec smallest = DEMO.withImageSize(SyntheticSpec.MIN_IMAGE_SIZE);
        for (String defect : SyntheticInspectionSet.DEFECT_TYPES) {
            for (int index = 0; index < 20; index++) {
                BufferedImage mask = SyntheticInspectionSet.render(smallest, "test", defect, index).mask();
                int[] values = mask.getRaster().getPixels(0, 0, mask.getWidth(), mask.getHeight(), (int[]) null);
                assertThat(values).as(defect + " " + index).contains(255);
            }
        }
    }

    @Test
    void rejectsUnknownSplitsDefectsAndIndices() {
        assertThatThrownBy(() -> SyntheticInspectionSet.render(DEMO, "valid", "good", 0)).hasMessageContaining("valid");
        assertThatThrownBy(() -> SyntheticInspectionSet.render(DEMO, "test", "dent", 0))
                .hasMessageContaining("dent").hasMessageContaining("scratch");
        assertThatThrownBy(() -> SyntheticInspectionSet.render(DEMO, "train", "crack", 0)).hasMessageContaining("train");
        assertThatThrownBy(() -> SyntheticInspectionSet.render(DEMO, "test", "good", -1)).hasMessageContaining("-1");
    }

    @Test
    void writesAnMvtecCategory(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("synthetic");
        List<Path> reported = new ArrayList<>();
        SyntheticInspectionSet.Summary summary = SyntheticInspectionSet.write(SMALL, root, reported::add);

        assertThat(summary.trainImages()).isEqualTo(3);
        assertThat(summary.testGoodImages()).isEqualTo(2);
        assertThat(summary.defectImages()).containsExactly(Map.entry("scratch", 2), Map.entry("spot", 2),
                Map.entry("crack", 2), Map.entry("hole", 2), Map.entry("contamination", 2));
        assertThat(summary.imageCount()).isEqualTo(SMALL.imageCount()).isEqualTo(15);
        assertThat(reported).hasSize(15).doesNotHaveDuplicates().allMatch(Files::isRegularFile);

        MvtecCategory category = MvtecCategory.open(root);
        assertThat(category.trainImages()).extracting(p -> p.getFileName().toString())
                .containsExactly("000.png", "001.png", "002.png");
        List<TestImage> tests = category.testImages();
        assertThat(tests).hasSize(12);
        for (TestImage t : tests) {
            assertThat(t.mask().isPresent()).as(t.image().toString()).isEqualTo(!t.isGood());
            BufferedImage image = ImageIO.read(t.image().toFile());
            assertThat(image.getWidth()).isEqualTo(64);
            if (!t.isGood()) {
                BufferedImage mask = ImageIO.read(t.mask().orElseThrow().toFile());
                assertThat(mask.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
                assertThat(mask.getWidth()).isEqualTo(64);
                BufferedImage expected = SyntheticInspectionSet.render(SMALL, "test", t.defect(), Integer.parseInt(t.name())).mask();
                assertThat(pixels(mask)).isEqualTo(pixels(expected));
            }
        }
        assertThat(root.resolve("ground_truth/good")).doesNotExist();
        assertThat(pixels(ImageIO.read(root.resolve("test/crack/001.png").toFile())))
                .isEqualTo(pixels(SyntheticInspectionSet.render(SMALL, "test", "crack", 1).image()));
    }

    @Test
    void writingTwiceGivesTheSameBytes(@TempDir Path tmp) throws IOException {
        SyntheticInspectionSet.write(SMALL, tmp.resolve("a"));
        SyntheticInspectionSet.write(SMALL, tmp.resolve("b"));
        List<Path> files = files(tmp.resolve("a"));
        assertThat(files).hasSize(15 + 10);
        assertThat(files(tmp.resolve("b"))).isEqualTo(files);
        for (Path file : files) {
            assertThat(Files.readAllBytes(tmp.resolve("b").resolve(file)))
                    .as(file.toString()).isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(file)));
        }
    }

    @Test
    void refusesAFolderThatIsNotEmpty(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("notes.txt"), "keep me");
        assertThatThrownBy(() -> SyntheticInspectionSet.write(SMALL, tmp))
                .isInstanceOf(IOException.class).hasMessageContaining(tmp.toString()).hasMessageContaining("not empty");
        assertThatThrownBy(() -> SyntheticInspectionSet.write(SMALL, tmp.resolve("notes.txt")))
                .isInstanceOf(IOException.class).hasMessageContaining("notes.txt");
        assertThat(files(tmp)).containsExactly(Path.of("notes.txt"));
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static int maxChannelDifference(int a, int b) {
        int d = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            d = Math.max(d, Math.abs((a >> shift & 255) - (b >> shift & 255)));
        }
        return d;
    }
}
