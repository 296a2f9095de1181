package dev.stfpm.nn;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The anomaly map of Eq. 4: at every pyramid level the per-position distance of Eq. 1
 * ({@link FeatureDistance}), bilinearly upsampled to the image size, and the product of the levels'
 * maps. The image's anomaly score is the map's maximum.
 *
 * <p>Built once as a small SameDiff graph, which runs fused on whichever ND4J backend is loaded (CPU
 * or CUDA). Upsampling uses half-pixel centres, which is what PyTorch's
 * {@code F.interpolate(mode="bilinear", align_corners=False)} computes. Not thread-safe: use one
 * instance per thread.
 */
public final class AnomalyMap {

    private final SameDiff sd = SameDiff.create();
    private final int levels;
    private final int size;
    private final String output;

    /**
     * @param levels    the number of pyramid levels
     * @param imageSize the side of the square map, the network's input size
     */
    public AnomalyMap(int levels, int imageSize) {
        if (levels < 1) {
            throw new IllegalArgumentException("need at least one pyramid level");
        }
        this.levels = levels;
        this.size = imageSize;
        SDVariable product = null;
        for (int l = 0; l < levels; l++) {
            SDVariable t = sd.placeHolder("teacher" + l, DataType.FLOAT, -1, -1, -1, -1);
            SDVariable s = sd.placeHolder("student" + l, DataType.FLOAT, -1, -1, -1, -1);
            SDVariable distance = sd.expandDims(FeatureDistance.perPosition(sd, t, s), 3); // [N, H, W, 1]
            SDVariable upsampled = sd.image().resizeBiLinear(distance, imageSize, imageSize, false, true);
            product = product == null ? upsampled : product.mul(upsampled); // Eq. 4
        }
        output = sd.squeeze(product, 3).name();
    }

    /**
     * Computes the maps of a batch.
     *
     * @param teacher the teacher's features, one {@code [N, C, H, W]} array per level
     * @param student the student's features, same shapes
     * @return {@code [N, S, S]} anomaly maps
     */
    public INDArray compute(INDArray[] teacher, INDArray[] student) {
        if (teacher.length != levels || student.length != levels) {
            throw new IllegalArgumentException("expected " + levels + " pyramid levels, got "
                    + teacher.length + " teacher and " + student.length + " student feature maps");
        }
        Map<String, INDArray> feed = new HashMap<>();
        for (int l = 0; l < levels; l++) {
            feed.put("teacher" + l, teacher[l]);
            feed.put("student" + l, student[l]);
        }
        return sd.outputSingle(feed, output);
    }

    /**
     * @param maps {@code [N, S, S]} anomaly maps
     * @return each image's anomaly score, the maximum of its map
     */
    public static float[] scores(INDArray maps) {
        return maps.reshape(maps.size(0), -1).max(1).toFloatVector();
    }

    /** @return the side of the square maps */
    public int size() {
        return size;
    }
}
