package dev.stfpm.nn;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.BadInputException;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.ZipBudget;
import dev.stfpm.core.io.NpyArray;
import dev.stfpm.nn.dl4j.Dl4jWorkarounds;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
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
 * architecture).
 *
 * <p>A model holds native memory and a thread: close it when done, best with try-with-resources.
 * It is thread-safe: one instance may serve {@code predict} from many threads at once; their
 * calls run one after another (each call already uses every core), so callers wait rather than
 * share a network's layer state.
 */
public final class StfpmModel implements AnomalyDetector {

    /** Version of the file format written by {@link #save}. */
    public static final int FORMAT_VERSION = 1;
    /** This release, as model-format messages name it ({@code stfpm-java <version>}, "dev" in a build tree). */
    static final String RELEASE = "stfpm-java " + releaseVersion();
    private static final String META = "model.json";
    private static final String TEACHER = "teacher.npy";
    private static final String STUDENT = "student.npy";
    /**
     * The most bytes a model file's entries may inflate to (256 MiB): the largest network a
     * configuration allows (ResNet-18 up to layer4, about 45 MB of parameters) twice, with room to spare.
     */
    static final long LIMIT_BYTES = 256L << 20;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final StfpmConfig config;
    private final FeaturePyramid teacher;
    private final FeaturePyramid student;
    private final FeaturePyramid foldedStudent;
    private final TrainingHistory history;
    private final AnomalyMap anomalyMap;
    private final AnomalyCalibration calibration;
    /** Runs teacher forward passes beside the student's (see {@link #anomalyMaps}); shared with {@link #withCalibration} copies. */
    private final ExecutorService teacherThread;

    /**
     * @param config      the settings both networks were built with
     * @param teacher     the teacher
     * @param student     the trained student (the model owns both networks: {@link #close} frees them)
     * @param history     how it was trained
     * @param calibration thresholds for decisions and masks, or {@code null} if not fitted yet
     */
    public StfpmModel(StfpmConfig config, FeaturePyramid teacher, FeaturePyramid student, TrainingHistory history,
                      AnomalyCalibration calibration) {
        this(config, teacher, student, student.foldBatchNorm(config), history, calibration, teacherThread());
    }

    private StfpmModel(StfpmConfig config, FeaturePyramid teacher, FeaturePyramid student, FeaturePyramid foldedStudent,
                       TrainingHistory history, AnomalyCalibration calibration, ExecutorService teacherThread) {
        this.config = config;
        this.teacher = teacher;
        this.student = student;
        this.foldedStudent = foldedStudent;
        this.history = history;
        this.calibration = calibration;
        this.anomalyMap = new AnomalyMap(config.pyramidLevels().size(), config.imageSize());
        this.teacherThread = teacherThread;
    }

    private static ExecutorService teacherThread() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "stfpm-teacher");
            thread.setDaemon(true);
            return thread;
        });
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
     * @param fitted thresholds fitted on this model's maps (stfpm-eval's {@code CalibrationFitter})
     * @return the same model carrying them; networks and thread are shared, not copied, so closing
     *         either model closes both
     */
    public StfpmModel withCalibration(AnomalyCalibration fitted) {
        return new StfpmModel(config, teacher, student, foldedStudent, history, fitted, teacherThread);
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
    public synchronized INDArray anomalyMaps(INDArray images) {
        requireOpen();
        Future<INDArray[]> teacherFeatures = teacherThread.submit(() -> teacher.features(images));
        INDArray[] s;
        try {
            s = foldedStudent.features(images);
        } catch (RuntimeException | Error e) {
            teacherFeatures.cancel(true);
            throw e;
        }
        INDArray[] t = await(teacherFeatures);
        INDArray maps = anomalyMap.compute(t, s);
        Dl4jWorkarounds.release(t);
        Dl4jWorkarounds.release(s);
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

    @Override
    public List<Prediction> predictPreprocessed(List<float[]> pixels, List<Path> sources) {
        int s = config.imageSize();
        INDArray x = FeaturePyramid.images(pixels, s);
        INDArray maps = anomalyMaps(x);
        float[] scores = AnomalyMap.scores(maps);
        float[] all = Dl4jWorkarounds.toHeap(maps);
        Dl4jWorkarounds.release(x, maps);
        List<Prediction> out = new ArrayList<>(pixels.size());
        for (int i = 0; i < pixels.size(); i++) {
            float[] map = Arrays.copyOfRange(all, i * s * s, (i + 1) * s * s);
            out.add(new Prediction(sources.get(i), scores[i], map, s, calibration));
        }
        return out;
    }

    private void requireOpen() {
        if (teacherThread.isShutdown()) {
            throw new IllegalStateException("this model is closed");
        }
    }

    /**
     * Stops the model's teacher thread and frees the networks' native memory. Closing twice does
     * nothing; using a closed model throws {@link IllegalStateException}.
     */
    @Override
    public synchronized void close() {
        if (teacherThread.isShutdown()) {
            return;
        }
        teacherThread.shutdownNow();
        Dl4jWorkarounds.close(teacher.graph());
        Dl4jWorkarounds.close(student.graph());
        Dl4jWorkarounds.close(foldedStudent.graph());
    }

    /**
     * Saves the model to one file, atomically (written beside it as {@code <name><digits>.part}, then
     * moved into place). Such files that killed saves of the same name left are removed first.
     *
     * @param file the model file
     * @throws IOException if it cannot be written
     */
    public synchronized void save(Path file) throws IOException {
        requireOpen();
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        removeStaleParts(parent, file.getFileName().toString());
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

    /** A {@code .part} file of {@link #save} untouched for this long was left by a killed save. */
    static final java.time.Duration STALE_PART_AGE = java.time.Duration.ofMinutes(1);

    /**
     * Deletes what killed saves of {@code name} into {@code dir} left: files named as {@link #save}
     * names its temporary file ({@code <name><digits>.part}, {@link Files#createTempFile}'s pattern)
     * and not modified for {@link #STALE_PART_AGE}, so that a concurrent save's file is left alone.
     */
    private static void removeStaleParts(Path dir, String name) throws IOException {
        java.util.regex.Pattern part = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote(name) + "[0-9]+" + java.util.regex.Pattern.quote(".part"));
        java.time.Instant staleBefore = java.time.Instant.now().minus(STALE_PART_AGE);
        try (java.nio.file.DirectoryStream<Path> parts = Files.newDirectoryStream(dir,
                p -> part.matcher(p.getFileName().toString()).matches())) {
            for (Path p : parts) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(p).toInstant().isBefore(staleBefore)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Loads a model saved by {@link #save}.
     *
     * <p>Every problem with the file's content (not a zip, an entry missing, an unreadable
     * {@code model.json}, another format version, malformed or wrongly sized parameters) is a
     * {@link BadInputException} naming the file, as is one whose entries inflate to more than
     * 256 MiB (a zip bomb is refused before it fills memory). A file of another format version is refused with
     * its version, the release that wrote it (where {@code model.json} records one) and the format
     * this release reads.
     *
     * @param file the model file
     * @return the model, producing the same maps as the one saved
     * @throws BadInputException if the file is missing, not a model file, or from an incompatible version
     * @throws IOException if it cannot be read at all
     */
    public static StfpmModel load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file.toString(), "no such model file");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return load(in, file.toString());
        }
    }

    /**
     * Reads a model file's bytes (shipped over a network, read from a distributed file system), as
     * {@link #load(Path)} reads the file.
     *
     * @param model  the bytes of a file written by {@link #save}
     * @param source what to call them in a message: the file's name or path
     * @return the model
     * @throws BadInputException if the bytes are not a model file, or one of an incompatible version
     * @throws IOException if they cannot be read at all
     */
    public static StfpmModel load(byte[] model, String source) throws IOException {
        return load(new ByteArrayInputStream(model), source);
    }

    private static StfpmModel load(InputStream file, String source) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        Map<String, NpyArray> params = new HashMap<>(); // parsed as they stream in: no copy of 22 MB as bytes
        BadInputException badParams = null; // reported after model.json's checks, which name the file's format
        ZipBudget budget = new ZipBudget(LIMIT_BYTES, source);
        try (ZipInputStream zip = new ZipInputStream(file)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                InputStream entry = budget.entry(zip, e.getName());
                if (e.getName().equals(TEACHER) || e.getName().equals(STUDENT)) {
                    try {
                        params.put(e.getName(), Npy.read(entry, source + ":" + e.getName()));
                    } catch (BadInputException bad) {
                        badParams = badParams == null ? bad : badParams;
                    }
                    entry.transferTo(OutputStream.nullOutputStream()); // what follows the array counts too
                } else {
                    entries.put(e.getName(), entry.readAllBytes());
                }
            }
        } catch (ZipException | EOFException e) {
            throw new BadInputException(source, "not an STFPM model file (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            // ZipInputStream's answer to an entry name that is not valid UTF-8 (found by fuzzing)
            throw new BadInputException(source, "not an STFPM model file (malformed zip entry name: "
                    + e.getMessage() + ")", e);
        }
        if (!entries.containsKey(META)) {
            throw new BadInputException(source, "not an STFPM model file (no " + META + ")");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(entries.get(META));
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(source, "unreadable " + META + " (" + e.getMessage() + ")", e);
        }
        if (tree == null || !tree.isObject() || !tree.path("format").canConvertToInt()) {
            throw new BadInputException(source, "unreadable " + META + " (no format version)");
        }
        int format = tree.get("format").asInt();
        if (format != FORMAT_VERSION) {
            String writer = tree.path("history").path("software").asText("");
            int comma = writer.indexOf(',');
            String writtenBy = writer.isEmpty() ? "a release that reads format " + format
                    : (comma < 0 ? writer : writer.substring(0, comma));
            throw new BadInputException(source, "model format " + format + ", this release (" + RELEASE + ") reads "
                    + FORMAT_VERSION + "; written by " + writtenBy + (format > FORMAT_VERSION
                    ? ": load it with that release or a newer one"
                    : ": load it with that release, or retrain the model with this one"));
        }
        if (badParams != null) {
            throw badParams;
        }
        for (String name : List.of(TEACHER, STUDENT)) {
            if (!params.containsKey(name)) {
                throw new BadInputException(source, "not an STFPM model file (no " + name + ")");
            }
        }
        Meta meta;
        try {
            meta = JSON.treeToValue(tree, Meta.class);
        } catch (IOException | RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new BadInputException(source, "unreadable " + META + " (" + root.getMessage() + ")", e);
        }
        if (meta.config() == null) {
            throw new BadInputException(source, "unreadable " + META + " (no config)");
        }
        FeaturePyramid teacher = network(source, params.get(TEACHER), TEACHER, p -> FeaturePyramid.teacher(meta.config(), p));
        FeaturePyramid student = network(source, params.get(STUDENT), STUDENT, p -> FeaturePyramid.student(meta.config(), p));
        return new StfpmModel(meta.config(), teacher, student, meta.history(), meta.calibration());
    }

    /** The jar's version: its manifest's, else Maven's {@code pom.properties}, else "dev" (a build tree). */
    private static String releaseVersion() {
        Package p = StfpmModel.class.getPackage();
        if (p != null && p.getImplementationVersion() != null) {
            return p.getImplementationVersion();
        }
        try (InputStream in = StfpmModel.class.getResourceAsStream("/META-INF/maven/dev.stfpm/stfpm-nn/pom.properties")) {
            if (in != null) {
                Properties props = new Properties();
                props.load(in);
                return props.getProperty("version", "dev");
            }
        } catch (IOException | IllegalArgumentException e) {
            // an unreadable pom.properties only costs the version in a message
        }
        return "dev";
    }

    /**
     * Writes a network's parameters as an uncompressed ({@code STORED}) {@code .npy} entry: float weights
     * deflate by only 7 %, and inflating them cost loading about 0.1 s.
     */
    private static void writeParams(ZipOutputStream zip, String name, FeaturePyramid net) throws IOException {
        INDArray p = net.graph().params();
        ByteArrayOutputStream npy = new ByteArrayOutputStream((int) p.length() * Float.BYTES + 128);
        CRC32 crc = new CRC32();
        Npy.write(new CheckedOutputStream(npy, crc),
                new NpyArray(new int[] {(int) p.length()}, Dl4jWorkarounds.toHeap(p)));
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(npy.size());
        entry.setCompressedSize(npy.size());
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        npy.writeTo(zip);
        zip.closeEntry();
    }

    /** Builds a network around the parameters of one {@code .npy} entry, without initialising any first. */
    private static FeaturePyramid network(String file, NpyArray a, String name, Function<INDArray, FeaturePyramid> build)
            throws BadInputException {
        try {
            return build.apply(Nd4j.create(a.data(), new long[] {1, a.data().length}, 'c'));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file + ":" + name, e.getMessage(), e);
        }
    }

    /** The JSON part of the model file. */
    private record Meta(int format, StfpmConfig config, TrainingHistory history, AnomalyCalibration calibration) {
    }
}
