package dev.stfpm.core.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A data set for one product or view: defect-free training images, optionally a validation set of
 * its own, and labelled test images with their masks. {@link DatasetLayout} detects and opens each
 * layout read from disk; lists come in a fixed order, so every run sees the same.
 */
public interface Dataset {

    /** @return the layout it was read in */
    DatasetLayout layout();

    /**
     * @return the folder the data set is named after (reports call it by this folder's name) and that
     *         a model records as its training data
     */
    Path root();

    /**
     * @return the defect-free training images
     * @throws IOException if there are none, or a file or folder the layout needs is missing or malformed
     */
    List<Path> trainImages() throws IOException;

    /**
     * @return the defect-free validation images, if the data set defines them; when empty, training
     *         holds out a share of {@link #trainImages()} instead
     * @throws IOException if they cannot be listed
     */
    default Optional<List<Path>> validationImages() throws IOException {
        return Optional.empty();
    }

    /**
     * @return the test images with their defect types and masks, by defect type then name; each
     *         {@link TestImage#mapPath} is distinct
     * @throws IOException if there are none, or a file or folder the layout needs is missing or malformed
     */
    List<TestImage> testImages() throws IOException;
}
