package dev.stfpm.cuda;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.image.ImagePreprocessor;
import dev.stfpm.core.testing.SharedFiles;
import dev.stfpm.nn.FeaturePyramid;
import dev.stfpm.nn.onnx.Teacher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The feature pyramids that the CUDA code is compared on with {@link dev.stfpm.nn.AnomalyMap}: random
 * features in the paper's shapes, small odd shapes with the corner cases of Eq. 1, and real features.
 *
 * @param name    what the case is, for messages
 * @param teacher the teacher's features per level
 * @param student the student's features per level
 * @param size    the map's side
 */
record TestPyramids(String name, INDArray[] teacher, INDArray[] student, int size) {

    /** A case, made when its test runs (so that a missing {@code ../shared} skips only the real one). */
    interface Case {
        TestPyramids make() throws IOException;
    }

    /** @return the three cases, named, for {@code @MethodSource("dev.stfpm.cuda.TestPyramids#cases")} */
    static Stream<Named<Case>> cases() {
        return Stream.of(Named.of("random, paper shapes", TestPyramids::paperShapes),
                Named.of("random, odd shapes, zero vector, equal features", TestPyramids::oddShapes),
                Named.of("real, bottle", TestPyramids::bottle));
    }

    /** @return the paper's three levels at 256 × 256 (64 × 64 × 64, 128 × 32 × 32, 256 × 16 × 16), two images of noise */
    static TestPyramids paperShapes() {
        Nd4j.getRandom().setSeed(3);
        INDArray[] teacher = new INDArray[3];
        INDArray[] student = new INDArray[3];
        for (int l = 0; l < 3; l++) {
            long[] shape = {2, 64L << l, 64 >> l, 64 >> l};
            teacher[l] = Nd4j.randn(DataType.FLOAT, shape);
            student[l] = teacher[l].add(Nd4j.randn(DataType.FLOAT, shape).muli(0.7));
        }
        return new TestPyramids("random, paper shapes", teacher, student, 256);
    }

    /**
     * @return four levels of non-square maps, upsampled to a size no level divides, three images;
     *         at level 0 one position has an all-zero teacher vector (the norm's EPS) and one has
     *         identical vectors (distance 0)
     */
    static TestPyramids oddShapes() {
        Nd4j.getRandom().setSeed(4);
        long[][] shapes = {{3, 5, 7, 9}, {3, 3, 4, 3}, {3, 8, 2, 5}, {3, 2, 1, 1}};
        INDArray[] teacher = new INDArray[shapes.length];
        INDArray[] student = new INDArray[shapes.length];
        for (int l = 0; l < shapes.length; l++) {
            teacher[l] = Nd4j.rand(DataType.FLOAT, shapes[l]);
            student[l] = Nd4j.rand(DataType.FLOAT, shapes[l]);
        }
        for (int c = 0; c < 5; c++) {
            teacher[0].putScalar(new long[] {1, c, 2, 3}, 0);
            student[0].putScalar(new long[] {1, c, 4, 4}, teacher[0].getFloat(1, c, 4, 4));
        }
        return new TestPyramids("random, odd shapes", teacher, student, 37);
    }

    /**
     * @return real features of two MVTec AD bottle test images (a good one, a broken one): the shipped
     *         teacher against an untrained student, as the networks compute them at inference
     * @throws IOException if the images or the teacher cannot be read
     */
    static TestPyramids bottle() throws IOException {
        Path test = SharedFiles.require("datasets/mvtec_ad/bottle/test");
        StfpmConfig config = StfpmConfig.paper();
        ImagePreprocessor preprocessor = new ImagePreprocessor(config.imageSize());
        INDArray images = FeaturePyramid.images(preprocessor.loadAll(
                List.of(test.resolve("good/000.png"), test.resolve("broken_large/000.png"))), config.imageSize());
        INDArray[] teacher = Teacher.imagenetResNet18().pyramid(config).features(images);
        INDArray[] student = FeaturePyramid.student(config).features(images);
        return new TestPyramids("real, bottle", teacher, student, config.imageSize());
    }
}
