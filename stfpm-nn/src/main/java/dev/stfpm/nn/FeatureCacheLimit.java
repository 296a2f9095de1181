package dev.stfpm.nn;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How much memory the trainer's cache of teacher features may take, and where it goes beyond that.
 * Each training or validation image costs its preprocessed pixels and the teacher's features of it
 * (about 2.6 MB at 256&times;256 with the paper's three levels). A set that fits in
 * {@code memoryBytes} is held off the Java heap; a larger one is written to a temporary file in
 * {@code directory} and read back a mini-batch at a time, so the process holds no more of it than a
 * mini-batch while the operating system caches what it has room for. The file is deleted as soon as
 * it is opened where the platform allows it (Linux, macOS: nothing is left behind, even after
 * {@code kill -9}), else when the cache is closed.
 *
 * <p>Where the cache lives does not change training: both give the same model, bit for bit.
 *
 * @param memoryBytes the most bytes of features held in memory; 0 always uses a file
 * @param directory   where a file-backed cache goes (it needs {@code images × bytesPerImage} of disk)
 */
public record FeatureCacheLimit(long memoryBytes, Path directory) {

    /**
     * The default memory budget: 256 MiB, the teacher features of about 100 images of 256&times;256.
     * Larger sets go to the file, where the operating system's page cache keeps them without counting
     * them as the process's memory and drops them when memory is wanted; reading a mini-batch of 32
     * back from it takes about 5 ms against a training step of about 4 s (docs/DESIGN.md, "Memory of a
     * step"). With bottle's 209 images (522.5 MiB) in memory, a training's peak was 767 MiB higher.
     */
    public static final long DEFAULT_MEMORY_BYTES = 256L << 20;

    /**
     * @throws IllegalArgumentException if {@code memoryBytes} is negative
     * @throws NullPointerException     if {@code directory} is null
     */
    public FeatureCacheLimit {
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("feature cache memory must be 0 or more bytes: " + memoryBytes);
        }
        Objects.requireNonNull(directory, "directory");
    }

    /**
     * @return {@link #DEFAULT_MEMORY_BYTES} in memory, beyond that a file in {@code java.io.tmpdir}
     */
    public static FeatureCacheLimit defaults() {
        return new FeatureCacheLimit(DEFAULT_MEMORY_BYTES, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param memoryBytes the most bytes of features held in memory
     * @return this limit with another memory budget
     */
    public FeatureCacheLimit withMemoryBytes(long memoryBytes) {
        return new FeatureCacheLimit(memoryBytes, directory);
    }

    /**
     * @param directory where a file-backed cache goes
     * @return this limit with another directory
     */
    public FeatureCacheLimit withDirectory(Path directory) {
        return new FeatureCacheLimit(memoryBytes, directory);
    }
}
