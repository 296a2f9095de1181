package dev.stfpm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
