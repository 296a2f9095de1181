package dev.stfpm.eval.report;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.eval.CalibrationFitter;
import dev.stfpm.eval.EvaluationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an evaluation's reports into a folder:
 * <ul>
 * <li>{@code metrics.json} &mdash; {@code image_auroc}, {@code pixel_auroc}, {@code au_pro}, {@code pro_limit},
 *     {@code per_defect}, thresholds, image scores and {@code notes} (undefined metrics are {@code null});</li>
 * <li>{@code report.md} &mdash; the metrics table per defect type and overall;</li>
 * <li>{@code roc_image.png}, {@code roc_pixel.png}, {@code pro_curve.png} &mdash; the curves, AUC in the legend;</li>
 * <li>{@code images/<defect>/<name>.png} &mdash; per test image: the image, the map as a jet heat overlay, the
 *     ground-truth and predicted-mask contours;</li>
 * <li>{@code report.html} &mdash; all of it on one page, relative links only, no network.</li>
 * </ul>
 * Predicted masks and decisions use {@link CalibrationFitter#fitIfDefined(EvaluationResult)}.
 */
public final class ReportWriter {

    /** File name of the metrics. */
    public static final String METRICS_JSON = "metrics.json";
    /** File name of the Markdown table. */
    public static final String REPORT_MD = "report.md";
    /** File name of the HTML page. */
    public static final String REPORT_HTML = "report.html";

    private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);

    private ReportWriter() {
    }

    /**
     * Writes every report of an evaluation.
     *
     * @param result the evaluation
     * @param outDir the folder, created if needed; existing report files are replaced
     * @return the HTML report's path
     * @throws IOException if a file cannot be read or written (the message names it)
     */
    public static Path write(EvaluationResult result, Path outDir) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(outDir);
        Optional<AnomalyCalibration> calibration = CalibrationFitter.fitIfDefined(result);
        MetricsJson.write(result, calibration, outDir.resolve(METRICS_JSON));
        List<String> plots = CurvePlots.write(result, outDir);
        OverlayRenderer overlays = new OverlayRenderer(calibration, result.pixelMin(), result.pixelMax());
        try {
            result.images().parallelStream().forEach(i -> {
                try {
                    overlays.render(i, outDir.resolve(ReportText.overlayPath(i)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        MarkdownReport.write(result, outDir.resolve(REPORT_MD));
        Path html = outDir.resolve(REPORT_HTML);
        HtmlReport.write(result, calibration, plots, html);
        LOG.info("reports for {} images written to {} in {} ms", result.images().size(), outDir,
                (System.nanoTime() - t0) / 1_000_000);
        return html;
    }
}
