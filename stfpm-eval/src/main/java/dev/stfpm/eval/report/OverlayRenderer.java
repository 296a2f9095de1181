package dev.stfpm.eval.report;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.image.JetColourMap;
import dev.stfpm.core.image.ImageFiles;
import dev.stfpm.core.image.ImagePreprocessor;
import dev.stfpm.eval.ImageResult;
import dev.stfpm.eval.MapFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws one test image's PNG with Java2D: on the left the image with its ground-truth contour; on
 * the right the anomaly map as a jet heat overlay with the ground-truth contour (white) and the
 * predicted-mask contour (magenta); a colour bar; and a caption with the score and the decision.
 *
 * <p>The heat map is normalised with the calibration (threshold at 0.5, the colour bar's middle)
 * when one could be fitted, else by the pixel score range of all maps ({@link ColourScale}); each
 * card's scale covers its own map, so its hottest pixels have a colour on its bar. Panels are drawn at the map's
 * resolution, enlarged by a whole factor to at least {@value #MIN_PANEL} pixels. The image is
 * stretched to the map's size, as the map is computed on the whole resized image.
 */
final class OverlayRenderer {

    /** Smallest panel side in pixels. */
    static final int MIN_PANEL = 256;

    private static final Logger LOG = LoggerFactory.getLogger(OverlayRenderer.class);
    private static final Color GT = Color.WHITE;
    private static final Color PREDICTED = new Color(255, 0, 255);
    private static final Color HALO = new Color(0x10, 0x10, 0x10);
    private static final float HEAT_ALPHA = 0.5f;
    private static final int MARGIN = 8;
    private static final int HEADER = 44;
    private static final int BAR = 14;
    private static final int BAR_LABELS = 70;

    private final Optional<AnomalyCalibration> calibration;
    private final double min;
    private final double max;

    /**
     * @param calibration thresholds and range to normalise with, if any
     * @param min         the smallest pixel score (used without calibration)
     * @param max         the largest pixel score (used without calibration)
     */
    OverlayRenderer(Optional<AnomalyCalibration> calibration, double min, double max) {
        this.calibration = calibration;
        this.min = min;
        this.max = max;
    }

    /**
     * Renders one image's overlay PNG.
     *
     * @param img the image's evaluation
     * @param out the PNG to write
     * @throws IOException if the map or mask cannot be read or the PNG cannot be written
     */
    void render(ImageResult img, Path out) throws IOException {
        MapFiles.LoadedMap map = MapFiles.read(img.map());
        int w = map.width();
        int h = map.height();
        int scale = Math.max(1, (MIN_PANEL + Math.max(w, h) - 1) / Math.max(w, h));
        int pw = w * scale;
        int ph = h * scale;
        boolean[] gt = img.mask().isPresent() ? MapFiles.readMask(img.mask().get(), w, h) : null;
        boolean[] predicted = calibration.map(c -> c.predictedMask(map.data())).orElse(null);
        ColourScale colours = ColourScale.covering(map.data(), calibration, min, max);
        BufferedImage photo = photo(img.image(), pw, ph);
        BufferedImage heat = heat(photo, map, scale, colours);
        if (gt != null) {
            contour(photo, gt, w, h, scale, GT);
            contour(heat, gt, w, h, scale, GT);
        }
        if (predicted != null) {
            contour(heat, predicted, w, h, scale, PREDICTED);
        }
        int width = MARGIN + pw + MARGIN + pw + MARGIN + BAR + BAR_LABELS;
        int height = HEADER + ph + MARGIN;
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(new Color(0x20, 0x20, 0x24));
            g.fillRect(0, 0, width, height);
            g.drawImage(photo, MARGIN, HEADER, null);
            g.drawImage(heat, 2 * MARGIN + pw, HEADER, null);
            caption(g, img, width);
            colourBar(g, 3 * MARGIN + 2 * pw, HEADER, ph, colours);
        } finally {
            g.dispose();
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        ImageIO.write(canvas, "png", out.toFile());
    }

    private void caption(Graphics2D g, ImageResult img, int width) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.WHITE);
        String truth = !img.labelled() ? "not known" : img.anomalous() ? "defect" : "good";
        StringBuilder line = new StringBuilder(img.key()).append("   score ").append(fmt(img.score()));
        if (calibration.isPresent()) {
            AnomalyCalibration c = calibration.get();
            boolean says = c.isAnomalous(img.score());
            line.append(says ? " \u2265 " : " < ").append(fmt(c.imageThreshold())).append(" \u2192 ")
                    .append(says ? "anomalous" : "normal").append(says == img.anomalous() ? " (correct)" : " (wrong)");
        }
        g.drawString(line.toString(), MARGIN, 17);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int x = MARGIN;
        g.setColor(GT);
        g.fillRect(x, 27, 14, 3);
        g.drawString("ground truth (" + truth + ")", x + 18, 33);
        x += 18 + g.getFontMetrics().stringWidth("ground truth (" + truth + ")") + 16;
        if (calibration.isPresent()) {
            g.setColor(PREDICTED);
            g.fillRect(x, 27, 14, 3);
            g.drawString("predicted mask (pixel score \u2265 " + fmt(calibration.get().pixelThreshold()) + ")", x + 18, 33);
        } else {
            g.setColor(Color.LIGHT_GRAY);
            g.drawString("no predicted mask: no threshold could be fitted", x, 33);
        }
    }

    private void colourBar(Graphics2D g, int x, int y, int ph, ColourScale colours) {
        for (int i = 0; i < ph; i++) {
            g.setColor(new Color(JetColourMap.rgb(1.0 - (double) i / (ph - 1))));
            g.drawLine(x, y + i, x + BAR - 1, y + i);
        }
        g.setColor(Color.LIGHT_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, y, BAR - 1, ph - 1);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(fmt(colours.hi()), x + BAR + 4, y + 10);
        g.drawString(fmt(colours.mid()), x + BAR + 4, y + ph / 2 + 4);
        if (calibration.isPresent()) {
            g.drawString("threshold", x + BAR + 4, y + ph / 2 + 17);
        }
        g.drawString(fmt(colours.lo()), x + BAR + 4, y + ph - 2);
    }

    private static BufferedImage heat(BufferedImage photo, MapFiles.LoadedMap map, int scale, ColourScale scaleOfColours) {
        int w = map.width();
        int pw = photo.getWidth();
        int ph = photo.getHeight();
        int[] colours = new int[map.data().length];
        for (int i = 0; i < colours.length; i++) {
            colours[i] = JetColourMap.rgb(scaleOfColours.normalised(map.data()[i]));
        }
        BufferedImage out = new BufferedImage(pw, ph, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[pw];
        for (int y = 0; y < ph; y++) {
            photo.getRGB(0, y, pw, 1, row, 0, pw);
            for (int x = 0; x < pw; x++) {
                row[x] = blend(row[x], colours[(y / scale) * w + x / scale]);
            }
            out.setRGB(0, y, pw, 1, row, 0, pw);
        }
        return out;
    }

    /**
     * The scores one card's colours span, from blue ({@code lo}) to red ({@code hi}).
     *
     * @param lo  the score drawn blue, the bar's bottom
     * @param mid the bar's middle: the pixel threshold when calibrated
     * @param hi  the score drawn red, the bar's top
     */
    record ColourScale(double lo, double mid, double hi) {

        /**
         * With a calibration, anomalib's normalisation ({@code (s − threshold) / (max − min) + 0.5}: the
         * threshold in the middle, the fitting set's range across), widened symmetrically where this map
         * goes beyond it; without one, the range of all maps, widened to this map's. Either way the
         * scale covers every score of the map.
         */
        static ColourScale covering(float[] map, Optional<AnomalyCalibration> calibration, double min, double max) {
            double mapMin = Double.POSITIVE_INFINITY;
            double mapMax = Double.NEGATIVE_INFINITY;
            for (float v : map) {
                mapMin = Math.min(mapMin, v);
                mapMax = Math.max(mapMax, v);
            }
            if (calibration.isPresent()) {
                AnomalyCalibration c = calibration.get();
                double t = c.pixelThreshold();
                double half = Math.max((c.max() - c.min()) / 2, Math.max(mapMax - t, t - mapMin));
                return new ColourScale(t - half, t, t + half);
            }
            double lo = Math.min(min, mapMin);
            double hi = Math.max(max, mapMax);
            return new ColourScale(lo, (lo + hi) / 2, hi);
        }

        /** @return where a score falls on the scale, 0 (blue) to 1 (red); 0.5 for an empty scale */
        double normalised(float v) {
            return hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0.5;
        }
    }

    private static int blend(int under, int over) {
        int r = mix(under >> 16 & 0xff, over >> 16 & 0xff);
        int g = mix(under >> 8 & 0xff, over >> 8 & 0xff);
        int b = mix(under & 0xff, over & 0xff);
        return r << 16 | g << 8 | b;
    }

    private static int mix(int a, int b) {
        return Math.round(a * (1 - HEAT_ALPHA) + b * HEAT_ALPHA);
    }

    /**
     * Paints the inner boundary of a mask in a colour (two panel pixels thick when enlarged), with a
     * dark one-pixel halo outside it so it shows on light and dark images alike.
     */
    private static void contour(BufferedImage panel, boolean[] mask, int w, int h, int scale, Color colour) {
        int pw = panel.getWidth();
        int ph = panel.getHeight();
        int reach = scale > 1 ? 1 : 0;
        boolean[] edge = new boolean[pw * ph];
        for (int y = 0; y < ph; y++) {
            for (int x = 0; x < pw; x++) {
                if (!at(mask, w, h, x / scale, y / scale)) {
                    continue;
                }
                boolean e = false;
                for (int d = -1 - reach; d <= 1 + reach && !e; d++) {
                    e = !at(mask, w, h, Math.floorDiv(x + d, scale), y / scale)
                            || !at(mask, w, h, x / scale, Math.floorDiv(y + d, scale));
                }
                edge[y * pw + x] = e;
            }
        }
        int halo = HALO.getRGB();
        for (int y = 0; y < ph; y++) {
            for (int x = 0; x < pw; x++) {
                if (!edge[y * pw + x]) {
                    continue;
                }
                for (int d = 0; d < 4; d++) {
                    int nx = x + (d == 0 ? -1 : d == 1 ? 1 : 0);
                    int ny = y + (d == 2 ? -1 : d == 3 ? 1 : 0);
                    if (nx >= 0 && ny >= 0 && nx < pw && ny < ph && !at(mask, w, h, nx / scale, ny / scale)) {
                        panel.setRGB(nx, ny, halo);
                    }
                }
            }
        }
        int rgb = colour.getRGB();
        for (int p = 0; p < edge.length; p++) {
            if (edge[p]) {
                panel.setRGB(p % pw, p / pw, rgb);
            }
        }
    }

    private static boolean at(boolean[] mask, int w, int h, int x, int y) {
        return x >= 0 && y >= 0 && x < w && y < h && mask[y * w + x];
    }

    private static BufferedImage photo(Path file, int pw, int ph) {
        BufferedImage out = new BufferedImage(pw, ph, BufferedImage.TYPE_INT_RGB);
        try {
            BufferedImage decoded = ImageFiles.read(file, "image");
            if (pw == ph) {
                float[] chw = new ImagePreprocessor(pw).resize(ImagePreprocessor.toRgb(decoded));
                int plane = pw * ph;
                for (int p = 0; p < plane; p++) {
                    int r = JetColourMap.channel(chw[p]);
                    int g = JetColourMap.channel(chw[plane + p]);
                    int b = JetColourMap.channel(chw[2 * plane + p]);
                    out.setRGB(p % pw, p / pw, r << 16 | g << 8 | b);
                }
            } else {
                Image scaled = decoded.getScaledInstance(pw, ph, Image.SCALE_AREA_AVERAGING);
                Graphics2D g = out.createGraphics();
                g.drawImage(scaled, 0, 0, null);
                g.dispose();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot read the image for its overlay ({}); drawing grey instead", file, e.getMessage());
            Graphics2D g = out.createGraphics();
            g.setColor(Color.GRAY);
            g.fillRect(0, 0, pw, ph);
            g.dispose();
        }
        return out;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 1000 || Math.abs(v) < 0.01 && v != 0 ? "%.3g" : "%.4f", v);
    }
}
