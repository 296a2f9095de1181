package dev.stfpm.eval;

import dev.stfpm.core.data.MvtecCategory;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One evaluated test image.
 *
 * @param defect         its defect type ({@code good} if defect-free)
 * @param name           its file name without extension
 * @param image          the image file
 * @param map            its anomaly map file
 * @param mask           its ground-truth mask file, absent for good images and defect images lacking one
 * @param score          its image score (the maximum of the map unless scores were given)
 * @param width          the map's width
 * @param height         the map's height
 * @param inPixelMetrics whether its pixels take part in the pixel metrics
 */
public record ImageResult(String defect, String name, Path image, Path map, Optional<Path> mask, double score,
                          int width, int height, boolean inPixelMetrics) {

    /** @return whether the image is anomalous (not in {@code test/good}) */
    public boolean anomalous() {
        return !MvtecCategory.GOOD.equals(defect);
    }

    /** @return {@code <defect>/<name>}, the image's key */
    public String key() {
        return defect + "/" + name;
    }
}
