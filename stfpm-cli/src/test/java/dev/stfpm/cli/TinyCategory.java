package dev.stfpm.cli;

import dev.stfpm.core.synth.SyntheticInspectionSet;
import dev.stfpm.core.synth.SyntheticSpec;
import java.io.IOException;
import java.nio.file.Path;

/** A tiny category for command tests: 6 training images, one good and one per defect type to test, 64×64. */
final class TinyCategory {

    private TinyCategory() {
    }

    /**
     * @param root the category folder to write (must not hold anything)
     * @return it
     */
    static Path write(Path root) throws IOException {
        SyntheticInspectionSet.write(SyntheticSpec.demo().withImageSize(64).withTrainImages(6).withTestGoodImages(1)
                .withTestImagesPerDefect(1), root);
        return root;
    }
}
