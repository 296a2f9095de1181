package dev.stfpm.spark;

import dev.stfpm.cli.Engine;
import dev.stfpm.core.image.ImagePreprocessor;
import dev.stfpm.nn.AnomalyDetector;
import dev.stfpm.nn.Prediction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scores one partition of images on an executor: the model comes from the broadcast once per JVM
 * ({@link ExecutorModels}); rows are decoded and run through the networks {@code batch} at a time, and
 * leave as they came with the score columns appended, lazily, so a partition's memory is one batch.
 * What ships with each task is this object: the broadcast's handle and a few settings, never the model.
 */
final class ScorePartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> model;
    private final String sha256;
    private final String name;
    private final Engine engine;
    private final ImageInput input;
    private final int batch;
    /** Where maps go, or {@code null} to write none. */
    private final MapFiles maps;

    ScorePartition(Broadcast<byte[]> model, String sha256, String name, Engine engine, ImageInput input, int batch,
                   MapFiles maps) {
        this.model = model;
        this.sha256 = sha256;
        this.name = name;
        this.engine = engine;
        this.input = input;
        this.batch = batch;
        this.maps = maps;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws IOException {
        AnomalyDetector detector = ExecutorModels.get(sha256, name, engine, model::value);
        ImagePreprocessor preprocessor = new ImagePreprocessor(detector.config().imageSize());
        return new Iterator<>() {
            private final Deque<Row> scored = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                if (scored.isEmpty() && rows.hasNext()) {
                    try {
                        scoreBatch(detector, preprocessor, rows, scored);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e.getMessage(), e);
                    }
                }
                return !scored.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return scored.poll();
            }
        };
    }

    /** Takes up to {@code batch} rows, scores them in one call to the engine, and queues the results. */
    private void scoreBatch(AnomalyDetector detector, ImagePreprocessor preprocessor, Iterator<Row> rows,
                            Deque<Row> scored) throws IOException {
        List<Row> taken = new ArrayList<>(batch);
        List<float[]> pixels = new ArrayList<>(batch);
        while (taken.size() < batch && rows.hasNext()) {
            Row row = rows.next();
            taken.add(row);
            pixels.add(input.preprocess(row, preprocessor));
        }
        List<Prediction> predictions = detector.predictPreprocessed(pixels, Collections.nCopies(taken.size(), null));
        for (int i = 0; i < taken.size(); i++) {
            Row row = taken.get(i);
            Prediction p = predictions.get(i);
            if (maps != null) {
                maps.write(input.path(row), p);
            }
            Object[] values = new Object[row.length() + StfpmScorer.COLUMNS.size()];
            for (int c = 0; c < row.length(); c++) {
                values[c] = row.get(c);
            }
            values[row.length()] = (double) p.score();
            values[row.length() + 1] = p.anomalous().orElse(null);
            values[row.length() + 2] = mean(p.map());
            values[row.length() + 3] = max(p.map());
            scored.add(RowFactory.create(values));
        }
    }

    private static double mean(float[] map) {
        double sum = 0;
        for (float v : map) {
            sum += v;
        }
        return sum / map.length;
    }

    private static double max(float[] map) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            max = Math.max(max, v);
        }
        return max;
    }
}
