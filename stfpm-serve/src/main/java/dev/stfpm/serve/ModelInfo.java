package dev.stfpm.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.nn.AnomalyDetector;

/**
 * {@code GET /v1/model}: what is being served. {@code engine} (the detector's class), {@code
 * image_size}, {@code pyramid_levels}, {@code calibration} (the thresholds, or {@code null}) and
 * {@code provenance} (the training history as the model file stores it).
 */
final class ModelInfo {

    private ModelInfo() {
    }

    /**
     * @param detector the model
     * @param json     the mapper that turns records into trees
     * @return its description
     */
    static ObjectNode of(AnomalyDetector detector, ObjectMapper json) {
        StfpmConfig config = detector.config();
        ObjectNode out = json.createObjectNode();
        out.put("engine", detector.getClass().getSimpleName());
        out.put("image_size", config.imageSize());
        out.set("pyramid_levels", json.valueToTree(config.pyramidLevels()));
        out.set("calibration", detector.calibration().map(c -> json.<JsonNode>valueToTree(c)).orElse(json.nullNode()));
        out.set("provenance", json.valueToTree(detector.history()));
        return out;
    }
}
