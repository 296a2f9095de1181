package dev.stfpm.core.data;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A test image of a data set, in any {@link DatasetLayout}.
 *
 * @param image    the image file
 * @param defect   its defect type ({@code good} if defect-free): in the MVTec AD layout, the name of its
 *                 folder under {@code test/}; for an unlabelled image, the name of its split (e.g.
 *                 {@code test_private})
 * @param name     its name, unique among the images of its defect type: the file name without
 *                 extension, unless two files share it
 * @param mask     its ground-truth mask, absent for good images (and for defect images lacking one)
 * @param labelled whether it is known to be good or defective; the images of a split published without
 *                 ground truth (MVTec AD 2's private test sets) are not, and take no part in the metrics
 */
public record TestImage(Path image, String defect, String name, Optional<Path> mask, boolean labelled) {

    /**
     * A labelled test image.
     *
     * @param image  the image file
     * @param defect its defect type ({@code good} if defect-free)
     * @param name   its name, unique among the images of its defect type
     * @param mask   its ground-truth mask, if any
     */
    public TestImage(Path image, String defect, String name, Optional<Path> mask) {
        this(image, defect, name, mask, true);
    }

    /**
     * @param image the image file
     * @param split the split it belongs to, standing in for its defect type
     * @param name  its name, unique within the split
     * @return a test image without ground truth
     */
    public static TestImage unlabelled(Path image, String split, String name) {
        return new TestImage(image, split, name, Optional.empty(), false);
    }

    /** @return whether the image is known to be defect-free */
    public boolean isGood() {
        return labelled && MvtecCategory.GOOD.equals(defect);
    }

    /** @return where this image's map goes under a maps folder: {@code test/<defect>/<name>.npy} */
    public Path mapPath(Path mapsRoot) {
        return mapsRoot.resolve("test").resolve(defect).resolve(name + ".npy");
    }
}
