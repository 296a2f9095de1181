package dev.stfpm.nn;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/** The generated 72 px checkerboard images of the trainer tests, and their independent check of a validation loss. */
final class StfpmTrainerTestImages {

    private StfpmTrainerTestImages() {
    }

    static List<Path> images(Path dir, int n) throws IOException {
        Random random = new Random(5);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(72, 72, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 72; y++) {
                for (int x = 0; x < 72; x++) {
                    int v = 100 + (x / 8 + y / 8) % 2 * 80 + random.nextInt(20);
                    img.setRGB(x, y, v << 16 | v << 8 | v);
                }
            }
            Path f = dir.resolve(String.format("%03d.png", i));
            ImageIO.write(img, "png", f.toFile());
            files.add(f);
        }
        return files;
    }

    /**
     * @return the loss of a student on images as Deeplearning4j's own graph score computes it, in inference
     *         mode: its score is (Σ losses + weight decay term) / images, and the trainer's validation loss
     *         leaves the term out
     */
    static double graphLoss(ComputationGraph student, INDArray images, INDArray[] teacherFeatures) {
        return student.score(new MultiDataSet(new INDArray[] {images}, teacherFeatures), false)
                - student.calcRegularizationScore(true) / images.size(0);
    }
}
