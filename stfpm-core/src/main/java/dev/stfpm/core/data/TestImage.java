package dev.stfpm.core.data;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A test image of an MVTec AD category.
 *
 * @param image  the image file
 * @param defect its defect type, the name of its folder under {@code test/} ({@code good} if none)
 * @param name   its file name without extension
 * @param mask   its ground-truth mask, absent for good images (and for defect images lacking one)
 */
public record TestImage(Path image, String defect, String name, Optional<Path> mask) {

    /** @return whether the image is defect-free */
    public boolean isGood() {
        return MvtecCategory.GOOD.equals(defect);
    }

    /** @return where this image's map goes under a maps folder: {@code test/<defect>/<name>.npy} */
    public Path mapPath(Path mapsRoot) {
        return mapsRoot.resolve("test").resolve(defect).resolve(name + ".npy");
    }
}
