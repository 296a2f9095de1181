package dev.stfpm.nn;

import dev.stfpm.nn.dl4j.Dl4jWorkarounds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every training and validation image, preprocessed, with the teacher's features of it, computed once
 * before the first epoch (the teacher is frozen and the paper uses no augmentation) and handed out as
 * mini-batches: images as the network's input, features as its labels.
 *
 * <p>An image is one record of float32 values: its pixels, then each level's features, each part
 * row-major. When the whole cache fits in {@link FeatureCacheLimit#memoryBytes()}, records lie in
 * arrays off the Java heap, in segments of at most {@value #SEGMENT_BYTES} bytes. Beyond that they lie
 * in a temporary file, written once and read back a mini-batch at a time with positional reads
 * straight into the batch's arrays: the process holds no more than a mini-batch of them, and the
 * operating system keeps what it can of the file in its page cache (clean pages, dropped at once when
 * memory is wanted). The file is not memory-mapped: mapped pages would count in the process's resident
 * memory, which JavaCPP compares with {@code maxphysicalbytes}. Both kinds hand out the same bytes.
 */
final class TeacherFeatureCache implements AutoCloseable {

    /** The most bytes of one in-memory segment: a {@link ByteBuffer} indexes with an {@code int}. */
    static final int SEGMENT_BYTES = 1 << 30;

    private final long[][] shapes;
    private final long[] partBytes;
    private final long recordBytes;
    private final int size;
    private final Store store;

    /**
     * @param shapes the shape of each part of a record, without the batch dimension: the image's
     *               {@code [H, W, 3]} (the networks' channels-last input), then each level's {@code [C, h, w]}
     * @param size   how many images the cache will hold
     * @param limit  the memory budget and the file's folder
     */
    TeacherFeatureCache(long[][] shapes, int size, FeatureCacheLimit limit) throws IOException {
        this(shapes, size, limit, SEGMENT_BYTES);
    }

    /** As above, with in-memory segments of at most {@code segmentBytes} (tests use small ones to get several). */
    TeacherFeatureCache(long[][] shapes, int size, FeatureCacheLimit limit, int segmentBytes) throws IOException {
        this.shapes = shapes;
        this.size = size;
        this.partBytes = new long[shapes.length];
        long bytes = 0;
        for (int p = 0; p < shapes.length; p++) {
            partBytes[p] = Arrays.stream(shapes[p]).reduce(1, Math::multiplyExact) * Float.BYTES;
            bytes += partBytes[p];
        }
        this.recordBytes = bytes;
        this.store = totalBytes() <= limit.memoryBytes() ? new MemoryStore(segmentBytes) : new FileStore(limit.directory());
    }

    /** @return the bytes all records take */
    long totalBytes() {
        return recordBytes * size;
    }

    /** @return whether the records lie in a temporary file rather than in memory */
    boolean isFileBacked() {
        return store instanceof FileStore;
    }

    /** @return the temporary file the records lie in (deleted already where the platform allows), or {@code null} */
    Path file() {
        return store instanceof FileStore f ? f.file : null;
    }

    /**
     * Stores a batch of images and their features as records {@code first, first + 1, …}.
     *
     * @param first  the first record's index
     * @param images {@code [n, H, W, 3]}
     * @param levels each level's features, {@code [n, C, h, w]}
     * @throws IOException if the file cannot be written (a full disk)
     */
    void put(int first, INDArray images, INDArray[] levels) throws IOException {
        INDArray[] parts = new INDArray[levels.length + 1];
        parts[0] = images;
        System.arraycopy(levels, 0, parts, 1, levels.length);
        long partOffset = 0;
        for (int p = 0; p < parts.length; p++) {
            INDArray rowMajor = parts[p].dup('c');
            ByteBuffer from = rowMajor.data().asNio();
            int n = (int) rowMajor.size(0);
            for (int i = 0; i < n; i++) {
                store.write((first + i) * recordBytes + partOffset, from.slice((int) (i * partBytes[p]), (int) partBytes[p]));
            }
            Dl4jWorkarounds.release(rowMajor);
            partOffset += partBytes[p];
        }
    }

    /**
     * @param records the records' indices, in batch order
     * @return a new mini-batch: their images as the input, each level's features as a label
     * @throws UncheckedIOException if the file cannot be read
     */
    MultiDataSet batch(List<Integer> records) {
        INDArray[] parts = new INDArray[shapes.length];
        long partOffset = 0;
        for (int p = 0; p < shapes.length; p++) {
            long[] shape = new long[shapes[p].length + 1];
            shape[0] = records.size();
            System.arraycopy(shapes[p], 0, shape, 1, shapes[p].length);
            parts[p] = Nd4j.createUninitialized(DataType.FLOAT, shape);
            ByteBuffer to = parts[p].data().asNio();
            for (int i = 0; i < records.size(); i++) {
                try {
                    store.read(records.get(i) * recordBytes + partOffset, to.slice((int) (i * partBytes[p]), (int) partBytes[p]));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the teacher-feature cache " + file(), e);
                }
            }
            partOffset += partBytes[p];
        }
        return new MultiDataSet(new INDArray[] {parts[0]}, Arrays.copyOfRange(parts, 1, parts.length));
    }

    /** Frees the memory, or closes and deletes the file. */
    @Override
    public void close() throws IOException {
        store.close();
    }

    /** Where the records' bytes lie: byte {@code offset} of the cache is the first of a record's part. */
    private interface Store extends AutoCloseable {

        /** Copies {@code from}'s remaining bytes to {@code offset} on. */
        void write(long offset, ByteBuffer from) throws IOException;

        /** Fills {@code to}'s remaining bytes from {@code offset} on. */
        void read(long offset, ByteBuffer to) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Records in arrays off the Java heap, as many whole records a segment as fit. */
    private final class MemoryStore implements Store {

        private final int recordsPerSegment;
        private final List<INDArray> segments = new ArrayList<>();

        MemoryStore(int segmentBytes) {
            if (recordBytes > segmentBytes) {
                throw new IllegalArgumentException("one cached image takes " + recordBytes + " bytes, over the "
                        + segmentBytes + " a segment holds");
            }
            recordsPerSegment = (int) (segmentBytes / recordBytes);
            for (long first = 0; first < size; first += recordsPerSegment) {
                long records = Math.min(recordsPerSegment, size - first);
                segments.add(Nd4j.createUninitialized(DataType.FLOAT, records * recordBytes / Float.BYTES));
            }
        }

        private ByteBuffer at(long offset, int length) {
            long record = offset / recordBytes;
            long within = (record % recordsPerSegment) * recordBytes + offset % recordBytes;
            return segments.get((int) (record / recordsPerSegment)).data().asNio().slice((int) within, length);
        }

        @Override
        public void write(long offset, ByteBuffer from) {
            at(offset, from.remaining()).put(from);
        }

        @Override
        public void read(long offset, ByteBuffer to) {
            to.put(at(offset, to.remaining()));
        }

        @Override
        public void close() {
            segments.forEach(Dl4jWorkarounds::release);
            segments.clear();
        }
    }

    /** Records in a temporary file, unlinked at once where the platform allows (nothing is left even after {@code kill -9}). */
    private static final class FileStore implements Store {

        private final Path file;
        private final FileChannel channel;

        FileStore(Path directory) throws IOException {
            Files.createDirectories(directory);
            file = Files.createTempFile(directory, "stfpm-teacher-features-", ".cache");
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                Files.delete(file); // POSIX: the open channel keeps the data until it is closed
            } catch (IOException e) {
                file.toFile().deleteOnExit(); // Windows: deleted when the channel is closed, or at exit
            }
        }

        @Override
        public void write(long offset, ByteBuffer from) throws IOException {
            for (long at = offset; from.hasRemaining(); ) {
                at += channel.write(from, at);
            }
        }

        @Override
        public void read(long offset, ByteBuffer to) throws IOException {
            for (long at = offset; to.hasRemaining(); ) {
                int n = channel.read(to, at);
                if (n < 0) {
                    throw new IOException(file + ": the teacher-feature cache ends at byte " + at);
                }
                at += n;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
            Files.deleteIfExists(file);
        }
    }
}
