package dev.stfpm.nn;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Packs preprocessed images into the networks' input array. */
final class ImageBatch {

    private ImageBatch() {
    }

    /**
     * @param images {@code 3 × size × size} channel-first images, as
     *               {@link dev.stfpm.core.image.ImagePreprocessor#load} returns them
     * @param size   the side of each image
     * @return {@code [N, 3, size, size]}
     */
    static INDArray of(List<float[]> images, int size) {
        int plane = 3 * size * size;
        float[] packed = new float[images.size() * plane];
        for (int i = 0; i < images.size(); i++) {
            float[] img = images.get(i);
            if (img.length != plane) {
                throw new IllegalArgumentException("image " + i + " has " + img.length + " values, expected 3x"
                        + size + "x" + size);
            }
            System.arraycopy(img, 0, packed, i * plane, plane);
        }
        return Nd4j.create(packed, new long[] {images.size(), 3, size, size}, 'c');
    }
}
