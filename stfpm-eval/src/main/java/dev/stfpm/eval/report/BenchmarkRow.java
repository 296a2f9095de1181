package dev.stfpm.eval.report;

import java.io.Serializable;

/**
 * One category of a benchmark suite: its metrics, what training and testing it cost, and where its
 * own report is. Serializable, so that a row can come back from a Spark task.
 *
 * @param category       the category's folder name
 * @param imageAuroc     image AUROC
 * @param pixelAuroc     pixel AUROC, {@code null} without ground-truth masks
 * @param auPro          AU-PRO up to the suite's FPR limit, {@code null} without ground-truth masks
 * @param trainSeconds   wall time of the training process
 * @param msPerImage     inference time per test image, as {@code stfpm test} measured it
 * @param trainPeakBytes peak resident memory of the training process, or 0 where it could not be read
 * @param testPeakBytes  peak resident memory of the testing process, or 0 where it could not be read
 * @param report         the category's HTML report, relative to the suite's output folder
 */
public record BenchmarkRow(String category, double imageAuroc, Double pixelAuroc, Double auPro, double trainSeconds,
                           double msPerImage, long trainPeakBytes, long testPeakBytes, String report)
        implements Serializable {
}
