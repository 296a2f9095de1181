package dev.stfpm.cli;

import dev.stfpm.core.BadInputException;
import dev.stfpm.nn.AnomalyDetector;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.onnxruntime.OnnxRuntimeModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which engine runs a model at test time ({@code --engine}). Both give the same maps and scores
 * (to about 1e-6; docs/DEPLOY.md): Deeplearning4j runs the networks the model was trained with,
 * ONNX Runtime runs the graph {@code stfpm export} writes.
 */
public enum Engine {
    /** Deeplearning4j and ND4J, the training engine. */
    DL4J,
    /** ONNX Runtime, on the model's ONNX export (made in memory, or an exported {@code .onnx} file). */
    ONNXRUNTIME;

    /**
     * The engine {@code predict}, {@code calibrate} and {@code serve} use unless told otherwise: ONNX
     * Runtime, with the same maps. It was measured faster than Deeplearning4j when it became the default;
     * since the speed work of issue 10 both are about as fast, and it keeps the smaller memory
     * (docs/DEPLOY.md, "Engines"). {@code test} and {@code demo} run the networks as trained.
     */
    public static final Engine DEFAULT = ONNXRUNTIME;
    /** {@link #DEFAULT}'s name, for option descriptions. */
    public static final String DEFAULT_NAME = "onnxruntime";

    /** Loads a model in one of its forms. */
    private interface Loader<T> {
        T load() throws IOException;
    }

    /**
     * Opens a model file with this engine: a model written by {@code stfpm train} for either engine,
     * or an {@code .onnx} file written by {@code stfpm export} (ONNX Runtime only).
     *
     * @param model the file
     * @return the model, ready to predict
     * @throws IOException if the file cannot be read or does not suit the engine
     */
    public AnomalyDetector open(Path model) throws IOException {
        return open(model.toString(), () -> StfpmModel.load(model), () -> OnnxRuntimeModel.load(model));
    }

    /**
     * Opens the bytes of a model file (shipped to a Spark executor, read from a distributed file
     * system) as {@link #open(Path)} opens the file.
     *
     * @param model the bytes of a model file or of an {@code .onnx} export
     * @param name  the file's name or path: an {@code .onnx} name marks an export
     * @return the model, ready to predict
     * @throws IOException if the bytes are not a model or do not suit the engine
     */
    public AnomalyDetector open(byte[] model, String name) throws IOException {
        return open(name, () -> StfpmModel.load(model, name), () -> OnnxRuntimeModel.load(model, name));
    }

    private AnomalyDetector open(String name, Loader<StfpmModel> trained, Loader<OnnxRuntimeModel> exported)
            throws IOException {
        boolean onnx = isOnnx(name);
        if (this == DL4J && onnx) {
            throw new BadInputException(name,
                    "an ONNX export runs on --engine onnxruntime, or give the model file 'stfpm train' wrote");
        }
        if (this == DL4J) {
            return trained.load();
        }
        if (onnx) {
            return exported.load();
        }
        try (StfpmModel loaded = trained.load()) {
            return OnnxRuntimeModel.of(loaded);
        }
    }

    /**
     * @param model a loaded model
     * @return the model itself for Deeplearning4j, else its export in ONNX Runtime (which the caller closes)
     */
    AnomalyDetector on(StfpmModel model) {
        return this == DL4J ? model : OnnxRuntimeModel.of(model);
    }

    /**
     * @param chosen the engine the command line names, or {@code null}
     * @param model  the model file's name or path
     * @return the chosen engine, else ONNX Runtime for an {@code .onnx} file and {@link #DEFAULT} otherwise
     */
    public static Engine orDefault(Engine chosen, String model) {
        return chosen != null ? chosen : isOnnx(model) ? ONNXRUNTIME : DEFAULT;
    }

    /** @return whether a file's name or path names an ONNX export ({@code *.onnx}) */
    static boolean isOnnx(String model) {
        return model.toLowerCase(Locale.ROOT).endsWith(".onnx");
    }
}
