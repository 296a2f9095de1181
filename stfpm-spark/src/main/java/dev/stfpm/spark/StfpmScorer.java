package dev.stfpm.spark;

import dev.stfpm.cli.Engine;
import dev.stfpm.core.BadInputException;
import dev.stfpm.core.io.Sha256;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML {@link Transformer} that scores a DataFrame of images with a trained STFPM model, as
 * {@code stfpm predict} does: it takes the rows of Spark's {@code binaryFile} source (columns {@code
 * path}, {@code content}) or of its {@code image} source (column {@code image}) and appends
 * <ul>
 *   <li>{@code score} (double): the image's anomaly score, the maximum of its map;</li>
 *   <li>{@code anomalous} (boolean): the model's decision, {@code null} for a model without thresholds;</li>
 *   <li>{@code map_mean}, {@code map_max} (double): the mean and maximum of the anomaly map.</li>
 * </ul>
 * and, with {@link #withMaps}, writes each map as {@code .npy} ({@link MapFiles} names them).
 *
 * <p>The model file's bytes are broadcast once per transformation, and each executor JVM opens the
 * model once, when its first task needs it ({@link ExecutorModels}); each task then scores its
 * partition in batches of {@link #withBatchSize} images. The driver opens the model once as well, when
 * the scorer is made, so a bad model file fails at once with a message naming it. Instances are
 * immutable.
 */
public final class StfpmScorer extends Transformer {

    private static final long serialVersionUID = 1L;

    /** The columns the scorer appends, in order. */
    public static final List<String> COLUMNS = List.of("score", "anomalous", "map_mean", "map_max");

    private final String uid;
    private final byte[] model;
    private final String name;
    private final String sha256;
    private final Engine engine;
    private final int batchSize;
    /** The folder maps are written to, or {@code null}. */
    private final String maps;

    private StfpmScorer(String uid, byte[] model, String name, String sha256, Engine engine, int batchSize, String maps) {
        this.uid = uid;
        this.model = model;
        this.name = name;
        this.sha256 = sha256;
        this.engine = engine;
        this.batchSize = batchSize;
        this.maps = maps;
    }

    /**
     * A scorer of a model file's bytes on the engine {@code stfpm predict} would choose ({@link
     * Engine#orDefault}), in batches of {@link dev.stfpm.nn.AnomalyDetector#BATCH}, writing no maps.
     *
     * @param model the bytes of a model file written by {@code stfpm train}, or of an {@code .onnx} export
     * @param name  the file's name or path, for messages (an {@code .onnx} name marks an export)
     * @return the scorer
     * @throws IOException if the bytes are not a model ({@link BadInputException} naming {@code name})
     */
    public static StfpmScorer of(byte[] model, String name) throws IOException {
        return new StfpmScorer(Identifiable.randomUID("stfpm"), model.clone(), name, Sha256.of(model),
                Engine.orDefault(null, name), dev.stfpm.nn.AnomalyDetector.BATCH, null).checked();
    }

    /**
     * A scorer of a model file on any file system the session's Hadoop settings reach.
     *
     * @param session the session
     * @param model   the model file (local path, {@code hdfs://...}, {@code s3a://...})
     * @return the scorer, as {@link #of} makes it
     * @throws IOException if the file is missing, unreadable or not a model (the message names it)
     */
    public static StfpmScorer load(SparkSession session, String model) throws IOException {
        Path file = new Path(model);
        byte[] bytes;
        try {
            FileSystem fs = file.getFileSystem(session.sparkContext().hadoopConfiguration());
            if (fs.getFileStatus(file).isDirectory()) {
                throw new BadInputException(model, "a folder, not a model file");
            }
            try (InputStream in = fs.open(file)) {
                bytes = in.readAllBytes();
            }
        } catch (FileNotFoundException e) {
            throw new BadInputException(model, "no such model file", e);
        }
        return of(bytes, model);
    }

    /**
     * @param engine the engine that runs the model: {@link Engine#ONNXRUNTIME} (the default for models
     *               and exports) or {@link Engine#DL4J} (models written by {@code stfpm train} only)
     * @return a scorer like this one on that engine
     * @throws IOException if the model does not suit the engine
     */
    public StfpmScorer withEngine(Engine engine) throws IOException {
        return new StfpmScorer(uid, model, name, sha256, engine, batchSize, maps).checked();
    }

    /**
     * @param batchSize images per call to the engine, at least 1
     * @return a scorer like this one scoring that many images at a time
     */
    public StfpmScorer withBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
        }
        return new StfpmScorer(uid, model, name, sha256, engine, batchSize, maps);
    }

    /**
     * @param dir a folder on any Hadoop file system, or {@code null} for none
     * @return a scorer like this one that also writes each image's map there
     */
    public StfpmScorer withMaps(String dir) {
        return new StfpmScorer(uid, model, name, sha256, engine, batchSize, dir);
    }

    /** Opens the model in this JVM (kept for the executor role in local mode), so a bad file fails here. */
    private StfpmScorer checked() throws IOException {
        ExecutorModels.get(sha256, name, engine, () -> model);
        return this;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema());
        SparkSession session = dataset.sparkSession();
        Broadcast<byte[]> shipped = JavaSparkContext.fromSparkContext(session.sparkContext()).broadcast(model);
        MapFiles mapFiles = maps == null ? null : new MapFiles(maps, session.sparkContext().hadoopConfiguration());
        ScorePartition score = new ScorePartition(shipped, sha256, name, engine, ImageInput.of(dataset.schema()),
                batchSize, mapFiles);
        return dataset.toDF().mapPartitions(score, Encoders.row(schema));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        ImageInput.of(schema);
        List<String> taken = new ArrayList<>(Arrays.asList(schema.fieldNames()));
        taken.retainAll(COLUMNS);
        if (!taken.isEmpty()) {
            throw new IllegalArgumentException("the DataFrame has a column the scorer adds: " + String.join(", ", taken));
        }
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        fields.add(DataTypes.createStructField(COLUMNS.get(0), DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField(COLUMNS.get(1), DataTypes.BooleanType, true));
        fields.add(DataTypes.createStructField(COLUMNS.get(2), DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField(COLUMNS.get(3), DataTypes.DoubleType, false));
        return DataTypes.createStructType(fields);
    }

    @Override
    public StfpmScorer copy(ParamMap extra) {
        return new StfpmScorer(uid, model, name, sha256, engine, batchSize, maps);
    }

    @Override
    public String uid() {
        return uid;
    }
}
