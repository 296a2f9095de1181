package dev.stfpm.eval.report;

import dev.stfpm.eval.EvaluationResult;
import dev.stfpm.eval.MetricSet;
import dev.stfpm.eval.ProCurve;
import dev.stfpm.eval.RocCurve;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of the image ROC, pixel ROC and PRO curves with XChart: the whole test set in a thick
 * black line and each defect type in colour, the area in each legend entry.
 */
final class CurvePlots {

    /** File name of the image-level ROC plot. */
    static final String IMAGE_ROC = "roc_image.png";
    /** File name of the pixel-level ROC plot. */
    static final String PIXEL_ROC = "roc_pixel.png";
    /** File name of the PRO curve plot. */
    static final String PRO = "pro_curve.png";

    private static final int WIDTH = 640;
    private static final int HEIGHT = 520;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0xbcbd22), new Color(0x7f7f7f)};

    private CurvePlots() {
    }

    /**
     * Writes the plots whose curves are defined.
     *
     * @param r      the evaluation
     * @param outDir the folder
     * @return the file names written, in the order above
     * @throws IOException if a file cannot be written
     */
    static List<String> write(EvaluationResult r, Path outDir) throws IOException {
        List<String> written = new ArrayList<>();
        if (r.overall().imageRoc().isPresent()) {
            XYChart c = rocChart("Image-level ROC (score: " + r.imageScore() + ")");
            addRocs(c, r, MetricSet::imageRoc, m -> m.imageAuroc());
            save(c, outDir.resolve(IMAGE_ROC));
            written.add(IMAGE_ROC);
        }
        if (r.overall().pixel().roc().isPresent()) {
            XYChart c = rocChart("Pixel-level ROC");
            addRocs(c, r, m -> m.pixel().roc(), MetricSet::pixelAuroc);
            save(c, outDir.resolve(PIXEL_ROC));
            written.add(PIXEL_ROC);
        }
        if (r.overall().pixel().pro().isPresent()) {
            save(proChart(r), outDir.resolve(PRO));
            written.add(PRO);
        }
        return written;
    }

    private static XYChart rocChart(String title) {
        XYChart c = base(title, "False positive rate", "True positive rate");
        c.getStyler().setXAxisMax(1.0).setYAxisMax(1.0);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        XYSeries chance = c.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
        chance.setMarker(SeriesMarkers.NONE);
        chance.setLineColor(Color.LIGHT_GRAY);
        chance.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        chance.setShowInLegend(false);
        return c;
    }

    private static void addRocs(XYChart c, EvaluationResult r, Function<MetricSet, Optional<RocCurve>> curve,
                                Function<MetricSet, Double> auc) {
        int k = 0;
        for (Map.Entry<String, MetricSet> e : r.perDefect().entrySet()) {
            Optional<RocCurve> roc = curve.apply(e.getValue());
            if (roc.isPresent()) {
                line(c, e.getKey() + " (AUC " + ReportText.metric(auc.apply(e.getValue())) + ")", roc.get().fpr(),
                        roc.get().tpr(), PALETTE[k % PALETTE.length], 1.6f);
            }
            k++;
        }
        RocCurve all = curve.apply(r.overall()).orElseThrow();
        line(c, "overall (AUC " + ReportText.metric(auc.apply(r.overall())) + ")", all.fpr(), all.tpr(), Color.BLACK,
                2.8f);
    }

    private static XYChart proChart(EvaluationResult r) {
        double limit = r.proLimit();
        XYChart c = base("PRO curve up to FPR " + limit, "False positive rate", "Per-region overlap");
        c.getStyler().setXAxisMax(limit).setYAxisMax(1.0);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        int k = 0;
        for (Map.Entry<String, MetricSet> e : r.perDefect().entrySet()) {
            Optional<ProCurve> pro = e.getValue().pixel().pro();
            if (pro.isPresent()) {
                ProCurve cut = pro.get().upTo(limit);
                line(c, e.getKey() + " (AU-PRO " + ReportText.metric(e.getValue().auPro()) + ")", cut.fpr(), cut.pro(),
                        PALETTE[k % PALETTE.length], 1.6f);
            }
            k++;
        }
        ProCurve cut = r.overall().pixel().pro().orElseThrow().upTo(limit);
        line(c, "overall (AU-PRO " + ReportText.metric(r.overall().auPro()) + ")", cut.fpr(), cut.pro(), Color.BLACK,
                2.8f);
        return c;
    }

    private static XYChart base(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        Styler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAntiAlias(true);
        c.getStyler().setXAxisMin(0.0).setYAxisMin(0.0);
        c.getStyler().setXAxisDecimalPattern("0.00").setYAxisDecimalPattern("0.0");
        // at least 100 px between x ticks (XChart's default is 74): labels such as 0.00 0.02 0.04 … never touch
        c.getStyler().setXAxisTickMarkSpacingHint(100);
        c.getStyler().setPlotGridLinesColor(new Color(0xe6e6e6));
        return c;
    }

    private static void line(XYChart c, String name, double[] x, double[] y, Color color, float width) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineWidth(width);
    }

    private static void save(XYChart c, Path file) throws IOException {
        ImageIO.write(BitmapEncoder.getBufferedImage(c), "png", file.toFile());
    }
}
