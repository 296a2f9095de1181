package dev.stfpm.core.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Decodes image files &mdash; photographs, ground-truth masks, TIFF anomaly maps &mdash; with the
 * JDK's ImageIO (PNG, JPEG, BMP, TIFF, GIF). Every failure is an {@link IOException} whose message
 * starts with the file and says what it should have been.
 */
public final class ImageFiles {

    private ImageFiles() {
    }

    /**
     * Decodes one image file.
     *
     * @param file the file
     * @param what what the file holds, in words for the error message ({@code "image"}, {@code
     *             "ground-truth mask"}, {@code "anomaly map"})
     * @return the decoded image
     * @throws IOException if the file is missing, unreadable or not in a format ImageIO decodes
     */
    public static BufferedImage read(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such " + what + " file");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": cannot decode " + what + " (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new IOException(file + ": not an image format ImageIO can read (" + what
                    + "; it reads PNG, JPEG, BMP, TIFF, GIF)");
        }
        return img;
    }
}
