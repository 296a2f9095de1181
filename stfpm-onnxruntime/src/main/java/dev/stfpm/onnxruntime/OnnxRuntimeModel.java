package dev.stfpm.onnxruntime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.BadInputException;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.image.ImagePreprocessor;
import dev.stfpm.nn.AnomalyDetector;
import dev.stfpm.nn.Prediction;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.TrainingHistory;
import dev.stfpm.nn.onnx.OnnxExporter;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A trained STFPM model run by ONNX Runtime: the graph {@link OnnxExporter} writes (tensor form),
 * with images decoded, resized and normalised in Java by {@link ImagePreprocessor} exactly as
 * {@link StfpmModel} does, so both engines give the same maps (to about 1e-6; {@code OnnxRuntimeModelTest}).
 *
 * <p>Open one from a model in memory ({@link #of}) or from an exported {@code .onnx} file
 * ({@link #load}), which needs no Deeplearning4j at all: the file's metadata carry the settings,
 * provenance and thresholds. ONNX Runtime runs with every graph optimisation on and one thread per
 * core. Instances are thread-safe; concurrent calls run concurrently. Close them when done.
 */
public final class OnnxRuntimeModel implements AnomalyDetector {

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final OrtEnvironment env;
    private final OrtSession session;
    private final StfpmConfig config;
    private final TrainingHistory history;
    private final AnomalyCalibration calibration;
    /** Calls hold it shared, {@link #close} exclusively: the session is never closed under a running call. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxRuntimeModel(OrtEnvironment env, OrtSession session, StfpmConfig config, TrainingHistory history,
                             AnomalyCalibration calibration) {
        this.env = env;
        this.session = session;
        this.config = config;
        this.history = history;
        this.calibration = calibration;
    }

    /**
     * Exports a model in memory and opens the export in ONNX Runtime. The model may be closed afterwards.
     *
     * @param model the model
     * @return an engine computing the same maps
     */
    public static OnnxRuntimeModel of(StfpmModel model) {
        byte[] onnx = OnnxExporter.export(model, OnnxExporter.InputForm.TENSOR);
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            return new OnnxRuntimeModel(env, env.createSession(onnx, options()), model.config(), model.history(),
                    model.calibration().orElse(null));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime refused the exported graph: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a model exported by {@code stfpm export} (without {@code --with-preprocessing}).
     *
     * @param onnxFile the {@code .onnx} file
     * @return the engine
     * @throws BadInputException if the file is missing, not an ONNX model, not an stfpm-java export, or the image form
     * @throws IOException       if it cannot be read
     */
    public static OnnxRuntimeModel load(Path onnxFile) throws IOException {
        String source = onnxFile.toString();
        if (!Files.isRegularFile(onnxFile)) {
            throw new BadInputException(source, "no such ONNX model file");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        return open(env, () -> env.createSession(onnxFile.toString(), options()), source);
    }

    /**
     * Opens the bytes of a model exported by {@code stfpm export} (shipped over a network, read from a
     * distributed file system), as {@link #load(Path)} opens the file.
     *
     * @param onnx   the bytes of the {@code .onnx} file
     * @param source what to call them in a message: the file's name or path
     * @return the engine
     * @throws BadInputException if the bytes are not an ONNX model, not an stfpm-java export, or the image form
     */
    public static OnnxRuntimeModel load(byte[] onnx, String source) throws IOException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        return open(env, () -> env.createSession(onnx, options()), source);
    }

    /** Creates an ONNX Runtime session. */
    private interface SessionFactory {
        OrtSession create() throws OrtException;
    }

    private static OnnxRuntimeModel open(OrtEnvironment env, SessionFactory factory, String source) throws IOException {
        OrtSession session;
        try {
            session = factory.create();
        } catch (OrtException e) {
            throw new BadInputException(source, "not an ONNX model ONNX Runtime can run (" + e.getMessage() + ")", e);
        }
        try {
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            if (!meta.containsKey(OnnxExporter.META_CONFIG) || !meta.containsKey(OnnxExporter.META_HISTORY)) {
                throw new BadInputException(source, "not an stfpm-java export (no " + OnnxExporter.META_CONFIG
                        + " metadata): export it with 'stfpm export'");
            }
            if (!session.getInputNames().contains(OnnxExporter.INPUT)) {
                throw new BadInputException(source, "exported with --with-preprocessing (input '"
                        + String.join("', '", session.getInputNames()) + "'); this engine feeds the tensor form: "
                        + "export again without --with-preprocessing");
            }
            StfpmConfig config = JSON.readValue(meta.get(OnnxExporter.META_CONFIG), StfpmConfig.class);
            TrainingHistory history = JSON.readValue(meta.get(OnnxExporter.META_HISTORY), TrainingHistory.class);
            AnomalyCalibration calibration = meta.containsKey(OnnxExporter.META_CALIBRATION)
                    ? JSON.readValue(meta.get(OnnxExporter.META_CALIBRATION), AnomalyCalibration.class) : null;
            return new OnnxRuntimeModel(env, session, config, history, calibration);
        } catch (OrtException | com.fasterxml.jackson.core.JacksonException | IllegalArgumentException e) {
            closeQuietly(session);
            throw new BadInputException(source, "unreadable stfpm metadata (" + e.getMessage() + ")", e);
        } catch (BadInputException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private static OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
        return options;
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // the file was refused already; a failure to free it adds nothing
        }
    }

    @Override
    public StfpmConfig config() {
        return config;
    }

    @Override
    public TrainingHistory history() {
        return history;
    }

    @Override
    public Optional<AnomalyCalibration> calibration() {
        return Optional.ofNullable(calibration);
    }

    /**
     * Anomaly maps of a batch of preprocessed images (Eq. 4), as {@link StfpmModel#anomalyMaps} computes them.
     *
     * @param images {@code N × 3 × S × S} floats: {@link ImagePreprocessor}'s channel-first output for each
     *               image, one after the other
     * @return {@code N × S × S} maps, row-major
     * @throws IllegalArgumentException if the length is not a multiple of {@code 3 × S × S}
     */
    public float[] anomalyMaps(float[] images) {
        return run(images)[0];
    }

    /** Maps ({@code N × S × S}) and scores ({@code N}) of preprocessed images. */
    private float[][] run(float[] chw) {
        int s = config.imageSize();
        int plane = 3 * s * s;
        if (chw.length == 0 || chw.length % plane != 0) {
            throw new IllegalArgumentException(chw.length + " values are not a whole number of 3x" + s + "x" + s + " images");
        }
        int n = chw.length / plane;
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("this model is closed");
            }
            try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(chw), new long[] {n, 3, s, s});
                 OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
                FloatBuffer maps = ((OnnxTensor) result.get(OnnxExporter.MAP).orElseThrow()).getFloatBuffer();
                FloatBuffer scores = ((OnnxTensor) result.get(OnnxExporter.SCORE).orElseThrow()).getFloatBuffer();
                float[] m = new float[maps.remaining()];
                maps.get(m);
                float[] sc = new float[scores.remaining()];
                scores.get(sc);
                return new float[][] {m, sc};
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public List<Prediction> predictPreprocessed(List<float[]> pixels, List<Path> sources) {
        int s = config.imageSize();
        int plane = 3 * s * s;
        float[] chw = new float[pixels.size() * plane];
        for (int i = 0; i < pixels.size(); i++) {
            System.arraycopy(pixels.get(i), 0, chw, i * plane, plane);
        }
        float[][] out = run(chw);
        List<Prediction> predictions = new ArrayList<>(pixels.size());
        for (int i = 0; i < pixels.size(); i++) {
            float[] map = Arrays.copyOfRange(out[0], i * s * s, (i + 1) * s * s);
            predictions.add(new Prediction(sources.get(i), out[1][i], map, s, calibration));
        }
        return predictions;
    }

    /** Frees the ONNX Runtime session, once no call is running. Closing twice does nothing. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                closeQuietly(session);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
