package dev.stfpm.spark;

import dev.stfpm.cli.Engine;
import dev.stfpm.nn.AnomalyDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models open in this JVM, one per model file and engine: an executor loads a model when its first
 * task needs it and keeps it for every later task and row (an {@link AnomalyDetector} is thread-safe,
 * so concurrent tasks share it). In local mode the driver and the executor are one JVM and share the
 * model the driver opened to check it. Models stay open until the JVM exits.
 */
final class ExecutorModels {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final Map<String, AnomalyDetector> OPEN = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /**
     * @param sha256 the model file's SHA-256, which names it
     * @param name   the model file's name or path (an {@code .onnx} name marks an export)
     * @param engine the engine to run it on
     * @param bytes  the file's bytes, asked for only if this JVM has not opened the model yet
     * @return the open model
     * @throws IOException if the bytes are not a model the engine can run
     */
    static AnomalyDetector get(String sha256, String name, Engine engine, Supplier<byte[]> bytes) throws IOException {
        try {
            return OPEN.computeIfAbsent(sha256 + "/" + engine, key -> {
                try {
                    long start = System.nanoTime();
                    AnomalyDetector model = engine.open(bytes.get(), name);
                    LOG.info("opened {} on {} in {} ms", name, engine, (System.nanoTime() - start) / 1_000_000);
                    return model;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
