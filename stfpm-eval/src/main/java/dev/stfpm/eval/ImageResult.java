package dev.stfpm.eval;

import dev.stfpm.core.data.MvtecCategory;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One evaluated test image.
 *
 * @param defect         its defect type ({@code good} if defect-free; its split's name if unlabelled)
 * @param name           its file name without extension
 * @param image          the image file
 * @param map            its anomaly map file
 * @param mask           its ground-truth mask file, absent for good images and defect images lacking one
 * @param score          its image score (the maximum of the map unless scores were given)
 * @param width          the map's width
 * @param height         the map's height
 * @param inPixelMetrics whether its pixels take part in the pixel metrics
 * @param labelled       whether it is known to be good or defective (see {@link dev.stfpm.core.data.TestImage#labelled()});
 *                       an unlabelled image takes no part in the metrics
 */
public record ImageResult(String defect, String name, Path image, Path map, Optional<Path> mask, double score,
                          int width, int height, boolean inPixelMetrics, boolean labelled) {

    /** @return whether the image is known to be anomalous (labelled, and not in {@code test/good}) */
    public boolean anomalous() {
        return labelled && !MvtecCategory.GOOD.equals(defect);
    }

    /** @return {@code <defect>/<name>}, the image's key */
    public String key() {
        return defect + "/" + name;
    }
}
