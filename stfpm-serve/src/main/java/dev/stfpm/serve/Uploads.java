package dev.stfpm.serve;

import dev.stfpm.core.BadInputException;
import dev.stfpm.core.image.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * Decodes uploaded images exactly as the command line decodes files, with the same limits and
 * messages ({@link ImageFiles#read(byte[], String, String, int, int)}), subsampled when larger than
 * the model needs.
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
     * @throws IOException       if it cannot be decoded for another reason
     */
    static BufferedImage decode(byte[] bytes, String name, int limit) throws IOException {
        if (bytes.length == 0) {
            throw new BadInputException(name, "empty: send the image's bytes (PNG, JPEG, BMP or TIFF)");
        }
        return ImageFiles.read(bytes, name, "image", limit, limit);
    }
}
