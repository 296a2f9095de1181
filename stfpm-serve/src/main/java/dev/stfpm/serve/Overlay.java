package dev.stfpm.serve;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.image.ImagePreprocessor;
import dev.stfpm.core.image.JetColourMap;
import dev.stfpm.nn.Prediction;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * An anomaly map drawn over its image as a PNG: the image resized to the map's size as the model
 * saw it, under the map in matplotlib's "jet" colours at 50 % opacity. With thresholds the colours
 * follow the calibration's normalisation ({@link AnomalyCalibration#normalisePixel}: the pixel threshold
 * at the middle, green, so a normal image stays blue), where scores beyond its fitting range take the
 * end colours; the HTML report widens its scale to such a map instead. Without thresholds, from this
 * map's minimum (blue) to its maximum (red).
 */
final class Overlay {

    private static final float HEAT_ALPHA = 0.5f;

    private Overlay() {
    }

    /**
     * @param image      the decoded image the prediction was made from
     * @param prediction its prediction
     * @return the overlay as PNG bytes, {@code size × size} pixels
     */
    static byte[] png(BufferedImage image, Prediction prediction) {
        int s = prediction.size();
        float[] rgb = new ImagePreprocessor(s).resize(ImagePreprocessor.toRgb(image));
        float[] map = prediction.map();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        AnomalyCalibration calibration = prediction.calibration();
        int plane = s * s;
        BufferedImage out = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < plane; p++) {
            double t = calibration != null ? calibration.normalisePixel(map[p])
                    : max > min ? (map[p] - min) / (max - min) : 0.5;
            int heat = JetColourMap.rgb(t);
            int r = mix(rgb[p], heat >> 16 & 0xff);
            int g = mix(rgb[plane + p], heat >> 8 & 0xff);
            int b = mix(rgb[2 * plane + p], heat & 0xff);
            out.setRGB(p % s, p / s, r << 16 | g << 8 | b);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(out, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the overlay as PNG", e);
        }
        return png.toByteArray();
    }

    /** An image channel in [0, 1] blended with a heat channel in [0, 255]. */
    private static int mix(float image, int heat) {
        return Math.round(JetColourMap.channel(image) * (1 - HEAT_ALPHA) + heat * HEAT_ALPHA);
    }
}
