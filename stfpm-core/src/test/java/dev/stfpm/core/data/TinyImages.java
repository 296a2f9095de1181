package dev.stfpm.core.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes the small images and masks the layout tests build their data sets from. */
final class TinyImages {

    private TinyImages() {
    }

    /** Writes a {@code side × side} colour gradient in the format its extension names (png, jpg, bmp). */
    static Path image(Path file, int side) throws IOException {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                img.setRGB(x, y, (x * 255 / side) << 16 | (y * 255 / side) << 8 | 96);
            }
        }
        return write(img, file);
    }

    /** Writes a {@code side × side} grey mask, 0 but for {@code value} in its top-left quarter. */
    static Path mask(Path file, int side, int value) throws IOException {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < side / 2; y++) {
            for (int x = 0; x < side / 2; x++) {
                img.getRaster().setSample(x, y, 0, value);
            }
        }
        return write(img, file);
    }

    private static Path write(BufferedImage img, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String name = file.getFileName().toString();
        String format = name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        if (!ImageIO.write(img, format.equals("jpeg") ? "jpg" : format, file.toFile())) {
            throw new IOException("no ImageIO writer for " + format);
        }
        return file;
    }
}
