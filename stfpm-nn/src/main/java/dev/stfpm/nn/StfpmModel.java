package dev.stfpm.nn;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.image.ImagePreprocessor;
import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.NpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained STFPM model: the frozen teacher, the trained student, their settings and the
 * training's provenance. Produces anomaly maps and scores for new images, and saves to and loads
 * from a single file.
 *
 * <p>The file is a zip of {@code model.json} (format version, {@link StfpmConfig},
 * {@link TrainingHistory}, {@link AnomalyCalibration} if fitted) and the two networks' parameters as {@code float32} {@code .npy} arrays
 * ({@code teacher.npy}, {@code student.npy}, in Deeplearning4j's flattened order for this
 * architecture). Not thread-safe.
 */
public final class StfpmModel {

    /** Version of the file format written by {@link #save}. */
    public static final int FORMAT_VERSION = 1;
    private static final String META = "model.json";
    private static final String TEACHER = "teacher.npy";
    private static final String STUDENT = "student.npy";
    private static final int BATCH = 8;
    /** Runs teacher forward passes beside the student's (see {@link #anomalyMaps}). */
    private static final ExecutorService TEACHER_THREAD = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "stfpm-teacher");
        thread.setDaemon(true);
        return thread;
    });
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final StfpmConfig config;
    private final FeaturePyramid teacher;
    private final FeaturePyramid student;
    private final FeaturePyramid foldedStudent;
    private final TrainingHistory history;
    private final ImagePreprocessor preprocessor;
    private final AnomalyMap anomalyMap;
    private final AnomalyCalibration calibration;

    /**
     * @param config      the settings both networks were built with
     * @param teacher     the teacher
     * @param student     the trained student
     * @param history     how it was trained
     * @param calibration thresholds for decisions and masks, or {@code null} if not fitted yet
     */
    public StfpmModel(StfpmConfig config, FeaturePyramid teacher, FeaturePyramid student, TrainingHistory history,
                      AnomalyCalibration calibration) {
        this(config, teacher, student, student.foldBatchNorm(config), history, calibration);
    }

    private StfpmModel(StfpmConfig config, FeaturePyramid teacher, FeaturePyramid student, FeaturePyramid foldedStudent,
                       TrainingHistory history, AnomalyCalibration calibration) {
        this.config = config;
        this.teacher = teacher;
        this.student = student;
        this.foldedStudent = foldedStudent;
        this.history = history;
        this.calibration = calibration;
        this.preprocessor = new ImagePreprocessor(config.imageSize());
        this.anomalyMap = new AnomalyMap(config.pyramidLevels().size(), config.imageSize());
    }

    /** @return the settings */
    public StfpmConfig config() {
        return config;
    }

    /** @return how the model was trained */
    public TrainingHistory history() {
        return history;
    }

    /** @return the thresholds fitted for this model, if any */
    public Optional<AnomalyCalibration> calibration() {
        return Optional.ofNullable(calibration);
    }

    /**
     * @param fitted thresholds fitted on this model's maps (stfpm-eval's {@code CalibrationFitter})
     * @return the same model carrying them (networks are shared, not copied)
     */
    public StfpmModel withCalibration(AnomalyCalibration fitted) {
        return new StfpmModel(config, teacher, student, foldedStudent, history, fitted);
    }

    /** @return the teacher network */
    public FeaturePyramid teacher() {
        return teacher;
    }

    /** @return the student network */
    public FeaturePyramid student() {
        return student;
    }

    /**
     * Anomaly maps of a batch of preprocessed images (Eq. 4). The student runs with its batch norms
     * folded into its convolutions ({@link FeaturePyramid#foldBatchNorm}): same features, less work.
     * Teacher and student run at the same time, on a background thread and the caller's: single
     * images leave cores idle in parts of one network's forward pass, which the other then uses.
     *
     * @param images {@code [N, S, S, 3]} normalised images ({@link FeaturePyramid#images})
     * @return {@code [N, S, S]} maps
     */
    public INDArray anomalyMaps(INDArray images) {
        Future<INDArray[]> teacherFeatures = TEACHER_THREAD.submit(() -> teacher.features(images));
        INDArray[] s = foldedStudent.features(images);
        INDArray[] t = await(teacherFeatures);
        INDArray maps = anomalyMap.compute(t, s);
        NativeMemory.release(t);
        NativeMemory.release(s);
        return maps;
    }

    private static INDArray[] await(Future<INDArray[]> features) {
        try {
            return features.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the teacher was running", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("the teacher failed", e.getCause());
        }
    }

    /**
     * Tests one image file.
     *
     * @param image the image
     * @return its map and score
     * @throws IOException if the image cannot be read
     */
    public Prediction predict(Path image) throws IOException {
        return predict(List.of(image)).get(0);
    }

    /**
     * Tests image files, in batches.
     *
     * @param images the images
     * @return one prediction per image, in order
     * @throws IOException if an image cannot be read (the message names it)
     */
    public List<Prediction> predict(List<Path> images) throws IOException {
        List<Prediction> out = new ArrayList<>(images.size());
        int s = config.imageSize();
        for (int start = 0; start < images.size(); start += BATCH) {
            List<Path> batch = images.subList(start, Math.min(images.size(), start + BATCH));
            List<float[]> pixels = preprocessor.loadAll(batch);
            INDArray x = FeaturePyramid.images(pixels, s);
            INDArray maps = anomalyMaps(x);
            float[] scores = AnomalyMap.scores(maps);
            float[] all = NativeMemory.toHeap(maps);
            for (int i = 0; i < batch.size(); i++) {
                float[] map = java.util.Arrays.copyOfRange(all, i * s * s, (i + 1) * s * s);
                out.add(new Prediction(batch.get(i), scores[i], map, s, calibration));
            }
            NativeMemory.release(x, maps);
        }
        return out;
    }

    /**
     * Saves the model to one file, atomically (written beside it, then moved into place).
     *
     * @param file the model file
     * @throws IOException if it cannot be written
     */
    public void save(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".part");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
            zip.putNextEntry(new ZipEntry(META));
            zip.write(JSON.writeValueAsBytes(new Meta(FORMAT_VERSION, config, history, calibration)));
            zip.closeEntry();
            writeParams(zip, TEACHER, teacher);
            writeParams(zip, STUDENT, student);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Loads a model saved by {@link #save}.
     *
     * @param file the model file
     * @return the model, producing the same maps as the one saved
     * @throws IOException if the file is missing, not a model file, or from an incompatible version
     */
    public static StfpmModel load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such model file");
        }
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        } catch (IOException e) {
            throw new IOException(file + ": not an STFPM model file (" + e.getMessage() + ")", e);
        }
        for (String name : List.of(META, TEACHER, STUDENT)) {
            if (!entries.containsKey(name)) {
                throw new IOException(file + ": not an STFPM model file (no " + name + ")");
            }
        }
        Meta meta;
        try {
            meta = JSON.readValue(entries.get(META), Meta.class);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": unreadable " + META + " (" + e.getMessage() + ")", e);
        }
        if (meta.format() != FORMAT_VERSION) {
            throw new IOException(file + ": model format " + meta.format() + ", this version reads " + FORMAT_VERSION);
        }
        FeaturePyramid teacher = FeaturePyramid.teacher(meta.config());
        FeaturePyramid student = FeaturePyramid.student(meta.config());
        readParams(file, entries.get(TEACHER), TEACHER, teacher);
        readParams(file, entries.get(STUDENT), STUDENT, student);
        return new StfpmModel(meta.config(), teacher, student, meta.history(), meta.calibration());
    }

    private static void writeParams(ZipOutputStream zip, String name, FeaturePyramid net) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        INDArray p = net.graph().params();
        Npy.write(zip, new NpyArray(new int[] {(int) p.length()}, NativeMemory.toHeap(p)));
        zip.closeEntry();
    }

    private static void readParams(Path file, byte[] bytes, String name, FeaturePyramid net) throws IOException {
        NpyArray a;
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            a = Npy.read(in, file + ":" + name);
        }
        long expected = net.graph().numParams();
        if (a.data().length != expected) {
            throw new IOException(file + ":" + name + " holds " + a.data().length
                    + " parameters, the configured network has " + expected);
        }
        net.graph().setParams(Nd4j.create(a.data(), new long[] {1, expected}, 'c'));
    }

    /** The JSON part of the model file. */
    private record Meta(int format, StfpmConfig config, TrainingHistory history, AnomalyCalibration calibration) {
    }
}
