package dev.stfpm.nn;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.StfpmConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A trained STFPM model seen only as what it does at test time: an image in, its anomaly map (Eq. 4)
 * and score out. One model, several engines: {@link StfpmModel} runs its Deeplearning4j networks, the
 * {@code stfpm-onnxruntime} module runs the same model exported to ONNX. Every engine resizes and
 * normalises an image as {@link dev.stfpm.core.image.ImagePreprocessor} does, so their predictions agree.
 *
 * <p>Implementations are thread-safe and hold native memory: close them when done.
 */
public interface AnomalyDetector extends AutoCloseable {

    /** @return the settings the model was trained with (image size, pyramid levels, ...) */
    StfpmConfig config();

    /** @return how the model was trained: its provenance */
    TrainingHistory history();

    /** @return the thresholds stored with the model, if any */
    Optional<AnomalyCalibration> calibration();

    /**
     * Tests image files, in batches.
     *
     * @param images the images
     * @return one prediction per image, in order
     * @throws IOException if an image cannot be read (the message names it)
     */
    List<Prediction> predict(List<Path> images) throws IOException;

    /**
     * Tests one image file.
     *
     * @param image the image
     * @return its map and score
     * @throws IOException if the image cannot be read (the message names it)
     */
    default Prediction predict(Path image) throws IOException {
        return predict(List.of(image)).get(0);
    }

    /**
     * Tests one decoded image (from a camera, a stream, an upload): resized and normalised as files are.
     *
     * @param image the image, any size and type ImageIO produces
     * @return its map and score ({@link Prediction#image()} is {@code null})
     */
    Prediction predict(BufferedImage image);

    /** Frees the engine's native memory and threads; using it afterwards throws {@link IllegalStateException}. */
    @Override
    void close();
}
