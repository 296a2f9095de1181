package dev.stfpm.serve;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.nn.FeaturePyramid;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.TrainingHistory;
import java.util.List;

/** An untrained 64-pixel model: real networks, quick to build and run, arbitrary but deterministic maps. */
final class TinyModel {

    static final StfpmConfig CONFIG = StfpmConfig.paper().withImageSize(64);
    static final TrainingHistory HISTORY =
            new TrainingHistory("data", 1, 0, "teacher.onnx", "00", List.of(), 0, 0, "now", "test", 0);

    private TinyModel() {
    }

    static StfpmModel untrained() {
        return new StfpmModel(CONFIG, FeaturePyramid.teacher(CONFIG), FeaturePyramid.student(CONFIG), HISTORY, null);
    }
}
