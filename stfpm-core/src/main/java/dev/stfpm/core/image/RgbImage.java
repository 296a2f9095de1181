package dev.stfpm.core.image;

/**
 * A decoded image: RGB values in [0, 1], channel-first ({@code 3 × height × width}).
 *
 * @param width  pixels per row
 * @param height rows
 * @param data   {@code 3 × height × width} floats
 */
public record RgbImage(int width, int height, float[] data) {

    /** Checks the data length. */
    public RgbImage {
        if (width < 1 || height < 1 || data.length != 3 * width * height) {
            throw new IllegalArgumentException("RGB image " + width + "x" + height + " needs "
                    + 3L * width * height + " values, got " + data.length);
        }
    }
}
