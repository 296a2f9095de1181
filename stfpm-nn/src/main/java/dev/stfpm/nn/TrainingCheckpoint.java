package dev.stfpm.nn;

import dev.stfpm.core.BadInputException;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.NpyArray;
import dev.stfpm.core.io.ZipBudget;
import dev.stfpm.nn.dl4j.Dl4jWorkarounds;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training run's whole state after an epoch, written by {@link StfpmTrainer} so that a run killed
 * at any moment can be resumed ({@link StfpmTrainer#resume}) to exactly the model an uninterrupted
 * run would have produced.
 *
 * <p>It holds the student's parameters (batch-norm running statistics included), the optimiser's
 * state (momentum velocities), the graph's iteration and epoch counters, the best epoch so far with
 * its parameters and loss, every epoch's result so far, the exact state of the random generator that
 * orders the mini-batches, and what the run was started with: its settings, provenance and list of
 * images, checked on resume. The teacher's features are not stored: they are recomputed (they are
 * deterministic).
 *
 * <p>The file is a zip: {@code state.bin} (Java serialisation of the scalars, the results and the
 * {@link Random}, the only class it deserialises), and {@code params.npy}, {@code updater.npy},
 * {@code best.npy} (float32, exact). Reading refuses an archive that inflates to more than 512 MiB.
 * It is written to a temporary file beside the target and atomically moved
 * into place, so a crash leaves either the previous epoch's checkpoint or this one, never a torn file.
 *
 * @param config        the run's settings, as {@link StfpmConfig#toString()} writes them
 * @param provenance    where the images and teacher came from
 * @param images        the images the run was given, in the order given
 * @param epoch         the last epoch completed (1-based)
 * @param iterationCount the student graph's iteration counter after that epoch
 * @param epochCount    the student graph's epoch counter after that epoch
 * @param params        the student's parameters after that epoch
 * @param updaterState  the optimiser's state after that epoch
 * @param bestEpoch     the best epoch so far
 * @param bestLoss      its loss (validation, or training when nothing is held out)
 * @param bestParams    its student's parameters
 * @param epochs        every completed epoch's result, in order
 * @param order         the mini-batch order generator, as it is after that epoch's shuffle
 * @param seconds       wall time spent on the run so far, caching included
 */
public record TrainingCheckpoint(String config, StfpmTrainer.Provenance provenance, List<String> images,
                                 int epoch, int iterationCount, int epochCount, INDArray params,
                                 INDArray updaterState, int bestEpoch, double bestLoss, INDArray bestParams,
                                 List<EpochResult> epochs, Random order, double seconds) {

    /** Version of the file format written by {@link #save} (2: arrays as {@code .npy}). */
    static final int FORMAT = 2;

    /**
     * The most bytes a checkpoint's entries may inflate to (512 MiB): three parameter-sized arrays of
     * the largest network a configuration allows, the image list and the state, with room to spare.
     */
    static final long LIMIT_BYTES = 512L << 20;

    private static final String STATE = "state.bin";
    private static final String PARAMS = "params.npy";
    private static final String UPDATER = "updater.npy";
    private static final String BEST = "best.npy";
    /** The state's only object is the batch-order generator: nothing else is deserialised. */
    private static final ObjectInputFilter ONLY_RANDOM = ObjectInputFilter.Config.createFilter("java.util.Random;!*");

    /** Copies the lists. */
    public TrainingCheckpoint {
        images = List.copyOf(images);
        epochs = List.copyOf(epochs);
    }

    /**
     * The checkpoint file a run writing its model to {@code model} uses by default.
     *
     * @param model the model file
     * @return {@code <model>.checkpoint}, beside it
     */
    public static Path beside(Path model) {
        return model.resolveSibling(model.getFileName() + ".checkpoint");
    }

    /**
     * Writes this checkpoint to a temporary file beside {@code file} and atomically moves it there.
     *
     * @param file the checkpoint file (replaced)
     * @throws IOException if it cannot be written
     */
    public void save(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".part");
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            zip.setLevel(Deflater.NO_COMPRESSION); // parameters hardly compress; deflating them took seconds
            zip.putNextEntry(new ZipEntry(STATE));
            ObjectOutputStream out = new ObjectOutputStream(zip);
            out.writeInt(FORMAT);
            out.writeUTF(config);
            out.writeUTF(provenance.dataset());
            out.writeUTF(provenance.teacherSource());
            out.writeUTF(provenance.teacherSha256());
            out.writeInt(images.size());
            for (String image : images) {
                out.writeUTF(image);
            }
            out.writeInt(epoch);
            out.writeInt(iterationCount);
            out.writeInt(epochCount);
            out.writeInt(bestEpoch);
            out.writeDouble(bestLoss);
            out.writeInt(epochs.size());
            for (EpochResult e : epochs) {
                out.writeInt(e.epoch());
                out.writeDouble(e.trainLoss());
                out.writeDouble(e.validationLoss());
                out.writeDouble(e.seconds());
                out.writeBoolean(e.best());
            }
            out.writeObject(order);
            out.writeDouble(seconds);
            out.flush();
            zip.closeEntry();
            writeArray(zip, PARAMS, params);
            writeArray(zip, UPDATER, updaterState);
            writeArray(zip, BEST, bestParams);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a checkpoint written by {@link #save}.
     *
     * @param file the checkpoint file
     * @return the checkpoint
     * @throws BadInputException if there is no such file, or it is not a complete checkpoint
     * @throws IOException       if it cannot be read
     */
    public static TrainingCheckpoint load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(String.valueOf(file), "no training checkpoint to resume from (it is written"
                    + " after every epoch of a run and removed when the model is saved)");
        }
        String state = null;
        Object[] fields = null;
        INDArray params = null;
        INDArray updater = null;
        INDArray best = null;
        ZipBudget budget = new ZipBudget(LIMIT_BYTES, String.valueOf(file));
        try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                InputStream in = budget.entry(zip, entry.getName());
                switch (entry.getName()) {
                    case STATE -> {
                        ObjectInputStream objects = new ObjectInputStream(in);
                        objects.setObjectInputFilter(ONLY_RANDOM);
                        fields = readState(objects, file);
                        state = "read";
                    }
                    case PARAMS -> params = readArray(in, file, PARAMS);
                    case UPDATER -> updater = readArray(in, file, UPDATER);
                    case BEST -> best = readArray(in, file, BEST);
                    default -> in.transferTo(OutputStream.nullOutputStream());
                }
            }
        } catch (NoSuchFileException e) {
            throw new BadInputException(String.valueOf(file), "no training checkpoint to resume from", e);
        } catch (BadInputException e) {
            throw e;
        } catch (IOException | RuntimeException | ClassNotFoundException e) {
            throw new BadInputException(String.valueOf(file), "is not a readable training checkpoint ("
                    + e.getMessage() + ")", e);
        }
        if (state == null || params == null || updater == null || best == null) {
            throw new BadInputException(String.valueOf(file), "is not a complete training checkpoint");
        }
        return new TrainingCheckpoint((String) fields[0], (StfpmTrainer.Provenance) fields[1], castList(fields[2]),
                (Integer) fields[3], (Integer) fields[4], (Integer) fields[5], params, updater, (Integer) fields[6],
                (Double) fields[7], best, castList(fields[8]), (Random) fields[9], (Double) fields[10]);
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> castList(Object o) {
        return (List<T>) o;
    }

    private static Object[] readState(ObjectInputStream in, Path file) throws IOException, ClassNotFoundException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new BadInputException(String.valueOf(file), "is a training checkpoint of format " + format
                    + ", this version reads format " + FORMAT);
        }
        String config = in.readUTF();
        StfpmTrainer.Provenance provenance = new StfpmTrainer.Provenance(in.readUTF(), in.readUTF(), in.readUTF());
        int n = in.readInt();
        List<String> images = new ArrayList<>(Math.min(n, 1 << 10)); // a count, not yet the data behind it
        for (int i = 0; i < n; i++) {
            images.add(in.readUTF());
        }
        int epoch = in.readInt();
        int iterationCount = in.readInt();
        int epochCount = in.readInt();
        int bestEpoch = in.readInt();
        double bestLoss = in.readDouble();
        int m = in.readInt();
        List<EpochResult> epochs = new ArrayList<>(Math.min(m, 1 << 10));
        for (int i = 0; i < m; i++) {
            epochs.add(new EpochResult(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(), in.readBoolean()));
        }
        Random order = (Random) in.readObject();
        double seconds = in.readDouble();
        return new Object[] {config, provenance, images, epoch, iterationCount, epochCount, bestEpoch,
            bestLoss, epochs, order, seconds};
    }

    private static void writeArray(ZipOutputStream zip, String name, INDArray array) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        int[] shape = Arrays.stream(array.shape()).mapToInt(Math::toIntExact).toArray();
        Npy.write(zip, new NpyArray(shape, Dl4jWorkarounds.toHeap(array)));
        zip.closeEntry();
    }

    private static INDArray readArray(InputStream in, Path file, String name) throws IOException {
        NpyArray a = Npy.read(in, file + ":" + name);
        return Nd4j.create(a.data(), Arrays.stream(a.shape()).asLongStream().toArray(), 'c');
    }
}
