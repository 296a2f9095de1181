/**
 * Reports on an {@link dev.stfpm.eval.EvaluationResult}: {@link dev.stfpm.eval.report.ReportWriter}
 * writes {@code metrics.json}, {@code report.md}, the curve plots, the per-image overlays and
 * {@code report.html}; {@link dev.stfpm.eval.report.TerminalSummary} gives the lines a terminal
 * prints; {@link dev.stfpm.eval.report.Json} is the JSON configuration of every file written.
 *
 * <p>This package reads {@link dev.stfpm.eval}; the metrics never depend on it.
 */
package dev.stfpm.eval.report;
