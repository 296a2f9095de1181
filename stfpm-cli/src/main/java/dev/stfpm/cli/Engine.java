package dev.stfpm.cli;

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
enum Engine {
    /** Deeplearning4j and ND4J, the training engine. */
    DL4J,
    /** ONNX Runtime, on the model's ONNX export (made in memory, or an exported {@code .onnx} file). */
    ONNXRUNTIME;

    /**
     * The engine {@code predict}, {@code calibrate} and {@code serve} use unless told otherwise: ONNX
     * Runtime, measured faster than Deeplearning4j at batch 1 and 32 and over a whole {@code predict}
     * (docs/DEPLOY.md), with the same maps. {@code test} and {@code demo} run the networks as trained.
     */
    static final Engine DEFAULT = ONNXRUNTIME;
    /** {@link #DEFAULT}'s name, for option descriptions. */
    static final String DEFAULT_NAME = "onnxruntime";

    /**
     * Opens a model file with this engine: a model written by {@code stfpm train} for either engine,
     * or an {@code .onnx} file written by {@code stfpm export} (ONNX Runtime only).
     *
     * @param model the file
     * @return the model, ready to predict
     * @throws IOException if the file cannot be read or does not suit the engine
     */
    AnomalyDetector open(Path model) throws IOException {
        boolean onnx = isOnnx(model);
        if (this == DL4J && onnx) {
            throw new dev.stfpm.core.BadInputException(model.toString(),
                    "an ONNX export runs on --engine onnxruntime, or give the model file 'stfpm train' wrote");
        }
        if (this == DL4J) {
            return StfpmModel.load(model);
        }
        if (onnx) {
            return OnnxRuntimeModel.load(model);
        }
        try (StfpmModel trained = StfpmModel.load(model)) {
            return OnnxRuntimeModel.of(trained);
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
     * @param model  the model file
     * @return the chosen engine, else ONNX Runtime for an {@code .onnx} file and {@link #DEFAULT} otherwise
     */
    static Engine orDefault(Engine chosen, Path model) {
        return chosen != null ? chosen : isOnnx(model) ? ONNXRUNTIME : DEFAULT;
    }

    /** @return whether a file is named as an ONNX export ({@code *.onnx}) */
    static boolean isOnnx(Path file) {
        return file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }
}
