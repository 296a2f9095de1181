package dev.stfpm.core.image;

/**
 * Matplotlib's "jet" colour map, the heat maps' colours in the HTML report and in {@code stfpm serve}'s
 * overlays: blue at 0, green at 0.5, red at 1.
 */
public final class JetColourMap {

    private JetColourMap() {
    }

    /**
     * @param v a position on the map, clamped to [0, 1]
     * @return its colour as {@code 0xRRGGBB}: r = clip(1.5 − |4v − 3|), g = clip(1.5 − |4v − 2|), b = clip(1.5 − |4v − 1|)
     */
    public static int rgb(double v) {
        double t = Math.min(1, Math.max(0, v));
        return channel(1.5 - Math.abs(4 * t - 3)) << 16 | channel(1.5 - Math.abs(4 * t - 2)) << 8
                | channel(1.5 - Math.abs(4 * t - 1));
    }

    /**
     * @param c a colour channel in [0, 1] (clamped)
     * @return it in [0, 255], rounded
     */
    public static int channel(double c) {
        return (int) Math.round(255 * Math.min(1, Math.max(0, c)));
    }
}
