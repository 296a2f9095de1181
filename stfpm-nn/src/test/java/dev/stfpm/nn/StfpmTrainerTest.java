package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.StfpmConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training on small generated images, with a randomly initialised teacher. */
class StfpmTrainerTest {

    private static final StfpmConfig SMALL = StfpmConfig.paper().withImageSize(64).withEpochs(3).withBatchSize(4);

    private static List<Path> images(Path dir, int n) throws IOException {
        Random random = new Random(5);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(72, 72, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 72; y++) {
                for (int x = 0; x < 72; x++) {
                    int v = 100 + (x / 8 + y / 8) % 2 * 80 + random.nextInt(20);
                    img.setRGB(x, y, v << 16 | v << 8 | v);
                }
            }
            Path f = dir.resolve(String.format("%03d.png", i));
            ImageIO.write(img, "png", f.toFile());
            files.add(f);
        }
        return files;
    }

    @Test
    void trainsSplitsAndKeepsTheBestEpoch(@TempDir Path dir) throws IOException {
        List<Path> files = images(dir, 10);
        List<EpochResult> seen = new ArrayList<>();
        StfpmModel model = new StfpmTrainer(SMALL).train(FeaturePyramid.teacher(SMALL), files,
                new StfpmTrainer.Provenance(dir.toString(), "random teacher", "-"), seen::add);

        TrainingHistory h = model.history();
        assertThat(h.trainImages()).isEqualTo(8);
        assertThat(h.validationImages()).isEqualTo(2);
        assertThat(seen).isEqualTo(h.epochs()).hasSize(3);
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
    void unreadableImageIsNamed(@TempDir Path dir) throws IOException {
        List<Path> files = new ArrayList<>(images(dir, 3));
        Path broken = dir.resolve("broken.png");
        Files.writeString(broken, "not a png");
        files.add(broken);
        assertThatThrownBy(() -> new StfpmTrainer(SMALL.withValidationFraction(0)).train(FeaturePyramid.teacher(SMALL),
                files, new StfpmTrainer.Provenance("d", "t", "-"), e -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("broken.png");
    }
}
