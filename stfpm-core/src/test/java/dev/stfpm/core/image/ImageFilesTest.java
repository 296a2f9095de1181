package dev.stfpm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.BadInputException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImageFiles}: decodes an image, and names the file and what it should hold when it cannot. */
class ImageFilesTest {

    @Test
    void decodesAndNamesBadFiles(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("mask.png");
        ImageIO.write(new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        assertThat(ImageFiles.read(png, "ground-truth mask").getWidth()).isEqualTo(3);

        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image");
        assertThatThrownBy(() -> ImageFiles.read(text, "ground-truth mask")).isInstanceOf(IOException.class)
                .hasMessageStartingWith(text + ": not an image format ImageIO can read")
                .hasMessageContaining("ground-truth mask");
        assertThatThrownBy(() -> ImageFiles.read(dir.resolve("gone.png"), "image")).isInstanceOf(IOException.class)
                .hasMessage(dir.resolve("gone.png") + ": no such image file");
    }

    @Test
    void badContentIsABadInputException(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image");
        assertThatThrownBy(() -> ImageFiles.read(text, "image")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> ImageFiles.read(dir.resolve("gone.png"), "image", 64, 64))
                .isInstanceOf(BadInputException.class);

        Path png = dir.resolve("whole.png");
        BufferedImage img = new BufferedImage(200, 200, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 200; x++) {
                img.setRGB(x, y, x * 7919 + y * 104729);
            }
        }
        ImageIO.write(img, "png", png.toFile());
        byte[] bytes = Files.readAllBytes(png);
        Path truncated = dir.resolve("truncated.png");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ImageFiles.read(truncated, "image")).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(truncated + ": cannot decode image");
    }
}
