package dev.stfpm.nn;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.image.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A trained STFPM model seen only as what it does at test time: an image in, its anomaly map (Eq. 4)
 * and score out. One model, several engines: {@link StfpmModel} runs its Deeplearning4j networks, the
 * {@code stfpm-onnxruntime} module runs the same model exported to ONNX. An engine implements
 * {@link #predictPreprocessed}; decoding, resizing and normalising are this interface's, the same for
 * every engine ({@link ImagePreprocessor}), so their predictions agree.
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
     * Images decoded and run through the networks at a time by {@link #predict(List)}. Small batches
     * suit a process's first calls: Deeplearning4j's workspaces learn their sizes in the first call,
     * allocating every array afresh meanwhile (as large as the batch), and a later batch gains little
     * per image from being larger (docs/DESIGN.md, "Inference in batches of 4").
     */
    int BATCH = 4;

    /**
     * Maps and scores of images already resized and normalised as {@link ImagePreprocessor} does.
     *
     * @param images  one {@code 3 × S × S} channel-first array per image ({@link ImagePreprocessor#load})
     * @param sources the file each image came from, or {@code null} entries for in-memory images
     * @return one prediction per image, in order
     */
    List<Prediction> predictPreprocessed(List<float[]> images, List<Path> sources);

    /**
     * Tests image files, in batches of {@link #BATCH} (decoded in parallel).
     *
     * @param images the images
     * @return one prediction per image, in order
     * @throws IOException if an image cannot be read (the message names it)
     */
    default List<Prediction> predict(List<Path> images) throws IOException {
        ImagePreprocessor preprocessor = new ImagePreprocessor(config().imageSize());
        List<Prediction> out = new ArrayList<>(images.size());
        for (int start = 0; start < images.size(); start += BATCH) {
            List<Path> batch = images.subList(start, Math.min(images.size(), start + BATCH));
            out.addAll(predictPreprocessed(preprocessor.loadAll(batch), batch));
        }
        return out;
    }

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
    default Prediction predict(BufferedImage image) {
        float[] pixels = new ImagePreprocessor(config().imageSize()).preprocess(image);
        return predictPreprocessed(List.of(pixels), Collections.singletonList(null)).get(0);
    }

    /** Frees the engine's native memory and threads; using it afterwards throws {@link IllegalStateException}. */
    @Override
    void close();
}
