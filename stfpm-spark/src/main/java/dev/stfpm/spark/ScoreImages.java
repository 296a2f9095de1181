package dev.stfpm.spark;

import dev.stfpm.cli.Engine;
import dev.stfpm.core.BadInputException;
import dev.stfpm.core.data.MvtecCategory;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stfpm-spark score}, and the class spark-submit runs ({@code --class dev.stfpm.spark.ScoreImages}):
 * scores every image under a path with {@link StfpmScorer} and writes one Parquet table with the columns
 * {@code path}, {@code score}, {@code anomalous}, {@code map_mean}, {@code map_max}.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score every image (PNG, JPEG, BMP, TIFF) under --input on Spark and write --output, a Parquet "
                + "table with the columns path, score, anomalous (null for a model without thresholds), map_mean and "
                + "map_max; with --maps, each anomaly map as .npy too. The same scores as 'stfpm predict'.",
            "Paths may be local or on any file system Hadoop reaches (hdfs://, s3a://, ...)."})
public final class ScoreImages implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--model", required = true,
            description = "model file written by 'stfpm train', or an .onnx file written by 'stfpm export'")
    String model;

    @Option(names = "--input", required = true, description = "an image, or a folder searched recursively for images")
    String input;

    @Option(names = "--output", required = true, description = "the Parquet table to write (must not exist)")
    String output;

    @Option(names = "--maps", paramLabel = "DIR", description = "also write each anomaly map, float32 .npy, under DIR "
            + "at the image's path (DIR/<path of the image>.npy)")
    String maps;

    @Option(names = "--engine", description = "dl4j or onnxruntime: the same scores either way (default: "
            + Engine.DEFAULT_NAME + "; onnxruntime for an .onnx model)")
    Engine engine;

    @Option(names = "--format", description = "how Spark reads the images: binaryFile (decoded as 'stfpm predict' "
            + "decodes files) or image (Spark's image source, 8-bit) (default: ${DEFAULT-VALUE})")
    String format = "binaryFile";

    @Option(names = "--batch-size", description = "images per call to the engine (default: ${DEFAULT-VALUE})")
    int batchSize = dev.stfpm.nn.AnomalyDetector.BATCH;

    /**
     * Runs the job: what spark-submit calls.
     *
     * @param args {@code --model M --input PATH --output OUT.parquet [--maps DIR]} and the other options
     */
    public static void main(String[] args) {
        String[] score = new String[args.length + 1];
        score[0] = "score";
        System.arraycopy(args, 0, score, 1, args.length);
        StfpmSpark.main(score);
    }

    @Override
    public Integer call() throws Exception {
        if (!format.equals("binaryFile") && !format.equals("image")) {
            throw new IllegalArgumentException("--format is binaryFile or image, not " + format);
        }
        SparkSession session = spark.session("stfpm-spark score");
        try {
            Path out = new Path(output);
            if (out.getFileSystem(session.sparkContext().hadoopConfiguration()).exists(out)) {
                throw new BadInputException(output, "exists already: give --output a new path");
            }
            StfpmScorer scorer = StfpmScorer.load(session, model).withEngine(Engine.orDefault(engine, model))
                    .withBatchSize(batchSize).withMaps(maps);
            Dataset<Row> images = images(session);
            Column path = functions.col(ImageInput.of(images.schema()).pathColumn()).as("path");
            long start = System.nanoTime();
            scorer.transform(images).select(path, functions.col("score"), functions.col("anomalous"),
                    functions.col("map_mean"), functions.col("map_max")).write().parquet(output);
            double seconds = (System.nanoTime() - start) / 1e9;
            long count = session.read().parquet(output).count();
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf(Locale.ROOT, "%d images in %.1f s (%.1f images/s) on %s; scores in %s%s%n", count, seconds,
                    count / seconds, session.sparkContext().master(), output, maps == null ? "" : ", maps under " + maps);
            stdout.flush();
            return 0;
        } catch (Exception e) {
            throw badInputIn(e);
        } finally {
            spark.release(session);
        }
    }

    /** The images under --input, read by Spark: files with an image extension, in any case, at any depth. */
    private Dataset<Row> images(SparkSession session) throws IOException {
        String extensions = MvtecCategory.IMAGE_EXTENSIONS.stream().map(ScoreImages::anyCase)
                .collect(Collectors.joining(","));
        Map<String, String> options = Map.of("recursiveFileLookup", "true", "pathGlobFilter", "*.{" + extensions + "}");
        Dataset<Row> images;
        try {
            images = session.read().format(format).options(options).load(input);
        } catch (Exception e) { // Spark's AnalysisException, which the Scala API does not declare
            if (e instanceof AnalysisException && e.getMessage().contains("PATH_NOT_FOUND")) {
                throw new BadInputException(input, "no such image or folder", e);
            }
            throw e;
        }
        if (images.isEmpty()) {
            throw new BadInputException(input, "no images found (PNG, JPEG, BMP or TIFF)");
        }
        return images;
    }

    /** A glob of an extension in any case: {@code png} gives {@code [pP][nN][gG]}. */
    private static String anyCase(String extension) {
        StringBuilder glob = new StringBuilder();
        for (char c : extension.toCharArray()) {
            glob.append('[').append(c).append(Character.toUpperCase(c)).append(']');
        }
        return glob.toString();
    }

    /**
     * A failed Spark job's cause when it is bad input (an image that cannot be decoded, on whichever
     * executor), so that it prints as one line naming the file and exits 2; the failure itself otherwise.
     */
    private static Exception badInputIn(Exception failure) throws BadInputException {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BadInputException bad) {
                throw bad;
            }
        }
        return failure;
    }
}
