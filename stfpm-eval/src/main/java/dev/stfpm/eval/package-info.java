/**
 * MVTec AD's metrics for any method's anomaly maps, and the thresholds fitted on them.
 *
 * <ul>
 * <li>Entry points: {@link dev.stfpm.eval.MapEvaluator} reads a data set's maps and masks
 *     ({@link dev.stfpm.eval.MapFiles}) and returns an {@link dev.stfpm.eval.EvaluationResult};
 *     {@link dev.stfpm.eval.CalibrationFitter} fits thresholds on it.</li>
 * <li>Image level: {@link dev.stfpm.eval.RocCurve} (image AUROC) and
 *     {@link dev.stfpm.eval.AdaptiveThreshold} (F1-optimal threshold), both one sweep over the
 *     distinct scores.</li>
 * <li>Pixel level: {@link dev.stfpm.eval.PixelSet} holds every evaluated pixel with its
 *     ground-truth region ({@link dev.stfpm.eval.ConnectedRegions}); {@link dev.stfpm.eval.PixelMetrics}
 *     computes pixel AUROC, AU-PRO ({@link dev.stfpm.eval.ProCurve}) and the pixel threshold from it.</li>
 * </ul>
 *
 * <p>The files and text written about a result are in {@link dev.stfpm.eval.report}, which depends
 * on this package and never the other way round.
 */
package dev.stfpm.eval;
