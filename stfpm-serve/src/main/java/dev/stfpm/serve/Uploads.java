package dev.stfpm.serve;

import dev.stfpm.core.BadInputException;
import dev.stfpm.core.image.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes uploaded images exactly as the command line decodes files, with the same limits and
 * messages: {@link ImageFiles} reads only files, so an upload goes to a temporary file (readable by
 * its owner only, deleted at once) and is decoded there, subsampled when larger than the model needs.
 */
final class Uploads {

    private Uploads() {
    }

    /**
     * @param bytes the uploaded bytes
     * @param name  what to call the upload in a message (its file name, or "upload")
     * @param limit the widest and tallest image decoded in full; larger ones are subsampled
     * @return the decoded image
     * @throws BadInputException naming the upload if it is empty, not an image, or over {@link ImageFiles}'s limits
     * @throws IOException       if the temporary file cannot be written
     */
    static BufferedImage decode(byte[] bytes, String name, int limit) throws IOException {
        if (bytes.length == 0) {
            throw new BadInputException(name, "empty: send the image's bytes (PNG, JPEG, BMP or TIFF)");
        }
        Path file = Files.createTempFile("stfpm-upload-", ".img");
        try {
            Files.write(file, bytes);
            return ImageFiles.read(file, "image", limit, limit);
        } catch (BadInputException e) {
            throw new BadInputException(name, e.problem(), e);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
