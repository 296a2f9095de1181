package dev.stfpm.core.image;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stfpm.core.BadInputException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzz test of image and mask decoding (Jazzer): the fuzzed bytes are written to a
 * file and read through every public method of {@link ImageFiles}. The build runs it in regression
 * mode on the committed inputs under {@code
 * src/test/resources/dev/stfpm/core/image/ImageFilesFuzzTestInputs/image/}; {@code JAZZER_FUZZ=1}
 * fuzzes it (see docs/RELIABILITY.md, "Fuzzing"). Any exception other than {@link
 * BadInputException} is a finding.
 */
class ImageFilesFuzzTest {

    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("stfpm-fuzz", ".img");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void image(byte[] data) throws IOException {
        Files.write(FILE, data);
        try {
            ImageFiles.size(FILE, "image");
        } catch (BadInputException expected) {
            // malformed input, refused as it should be
        }
        try {
            BufferedImage small = ImageFiles.read(FILE, "image", 64, 64);
            if (small.getWidth() > 64 || small.getHeight() > 64) {
                throw new AssertionError("subsampled read returned " + small.getWidth() + "x" + small.getHeight());
            }
        } catch (BadInputException expected) {
            // malformed input, refused as it should be
        }
        try {
            ImageFiles.read(FILE, "ground-truth mask");
        } catch (BadInputException expected) {
            // malformed input, refused as it should be
        }
    }
}
