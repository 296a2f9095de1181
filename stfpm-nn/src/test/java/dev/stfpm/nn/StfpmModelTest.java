package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.nn.dl4j.Dl4jWorkarounds;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class StfpmModelTest {

    private static final StfpmConfig SMALL = StfpmConfig.paper().withImageSize(64);

    private static StfpmModel untrained() {
        return untrained(SMALL.seed());
    }

    /**
     * A model whose student is initialised with {@code studentSeed}. With the teacher's own seed the two
     * networks start from the same convolutions, and the scores are rounding noise (about 10⁻³²).
     */
    private static StfpmModel untrained(long studentSeed) {
        var history = new TrainingHistory("data", 1, 0, "teacher.onnx", "00", List.of(), 0, 0, "now", "test", 0);
        return new StfpmModel(SMALL, FeaturePyramid.teacher(SMALL), FeaturePyramid.student(SMALL.withSeed(studentSeed)),
                history, null);
    }

    @Test
    void pyramidHasThePapersShapes() {
        FeaturePyramid teacher = FeaturePyramid.teacher(StfpmConfig.paper());
        INDArray[] f = teacher.features(Nd4j.zeros(DataType.FLOAT, 1, 256, 256, 3));
        assertThat(f).hasSize(3);
        assertThat(f[0].shape()).containsExactly(1, 64, 64, 64);
        assertThat(f[1].shape()).containsExactly(1, 128, 32, 32);
        assertThat(f[2].shape()).containsExactly(1, 256, 16, 16);
        assertThat(teacher.levelShapes()).isDeepEqualTo(new long[][] {{64, 64, 64}, {128, 32, 32}, {256, 16, 16}});
        assertThat(Dl4jWorkarounds.isOneDnnActive(teacher.graph())).isTrue();
    }

    @Test
    void fewerLevelsGiveFewerOutputs() {
        StfpmConfig two = SMALL.withPyramidLevels(List.of("layer1", "layer2"));
        FeaturePyramid student = FeaturePyramid.student(two);
        INDArray[] f = student.features(Nd4j.zeros(DataType.FLOAT, 2, 64, 64, 3));
        assertThat(f).hasSize(2);
        assertThat(f[1].shape()).containsExactly(2, 128, 8, 8);
        assertThat(student.levelShapes()).isDeepEqualTo(new long[][] {{64, 16, 16}, {128, 8, 8}});
    }

    @Test
    void foldedStudentComputesTheStudentsFeatures() {
        FeaturePyramid teacher = FeaturePyramid.teacher(SMALL);
        FeaturePyramid student = FeaturePyramid.student(SMALL);
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 64, 64, 3);
        var batch = new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x}, teacher.features(x));
        for (int i = 0; i < 3; i++) {
            student.graph().fit(batch); // moves running statistics, γ and β away from their initial values
        }
        INDArray[] expected = student.features(x);
        INDArray[] folded = student.foldBatchNorm(SMALL).features(x);
        for (int l = 0; l < expected.length; l++) {
            double scale = expected[l].amaxNumber().doubleValue();
            double maxError = expected[l].sub(folded[l]).amaxNumber().doubleValue();
            assertThat(maxError).as("level %d, features up to %.3g", l, scale).isLessThan(1e-4 * scale);
        }
    }

    @Test
    void saveAndLoadGiveIdenticalMaps(@TempDir Path dir) throws IOException {
        StfpmModel model = untrained().withCalibration(new AnomalyCalibration(0.5, 0.4, 0.1, 0.9, "test set"));
        Nd4j.getRandom().setSeed(11);
        INDArray images = Nd4j.randn(DataType.FLOAT, 2, 64, 64, 3);
        INDArray before = model.anomalyMaps(images);
        Path file = dir.resolve("sub/model.stfpm");
        model.save(file);
        StfpmModel loaded = StfpmModel.load(file);
        assertThat(loaded.anomalyMaps(images).equalsWithEps(before, 0)).isTrue();
        assertThat(loaded.config()).isEqualTo(SMALL);
        assertThat(loaded.history()).isEqualTo(model.history());
        assertThat(loaded.calibration()).isEqualTo(model.calibration());
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.stfpm");
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) { // the weights stored as they are
            assertThat(zip.getEntry("teacher.npy").getMethod()).isEqualTo(java.util.zip.ZipEntry.STORED);
            assertThat(zip.getEntry("student.npy").getMethod()).isEqualTo(java.util.zip.ZipEntry.STORED);
        }
    }

    @Test
    void eightConcurrentCallersGetWhatOneCallerGets() throws Exception {
        List<BufferedImage> images = new ArrayList<>();
        Random random = new Random(8);
        for (int i = 0; i < 8; i++) {
            BufferedImage img = new BufferedImage(80, 70, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 70; y++) {
                for (int x = 0; x < 80; x++) {
                    img.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            images.add(img);
        }
        try (StfpmModel model = untrained()) {
            List<float[]> alone = images.stream().map(img -> model.predict(img).map()).toList();
            ExecutorService callers = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<float[]>>> results = new ArrayList<>();
                CountDownLatch start = new CountDownLatch(1);
                for (int i = 0; i < 8; i++) {
                    BufferedImage mine = images.get(i);
                    results.add(callers.submit(() -> {
                        start.await();
                        List<float[]> maps = new ArrayList<>();
                        for (int k = 0; k < 3; k++) {
                            maps.add(model.predict(mine).map());
                        }
                        return maps;
                    }));
                }
                start.countDown();
                for (int i = 0; i < 8; i++) {
                    for (float[] map : results.get(i).get(2, TimeUnit.MINUTES)) {
                        assertThat(map).as("caller %d", i).containsExactly(alone.get(i));
                    }
                }
            } finally {
                callers.shutdownNow();
            }
        }
    }

    @Test
    void inMemoryImageScoresAsItsFile(@TempDir Path dir) throws IOException {
        BufferedImage img = new BufferedImage(90, 90, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 90; y++) {
            for (int x = 0; x < 90; x++) {
                img.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | (x + y));
            }
        }
        Path file = dir.resolve("a.png");
        ImageIO.write(img, "png", file.toFile());
        try (StfpmModel model = untrained()) {
            Prediction fromFile = model.predict(file);
            Prediction inMemory = model.predict(ImageIO.read(file.toFile()));
            assertThat(inMemory.image()).isNull();
            assertThat(inMemory.map()).containsExactly(fromFile.map());
            assertThat(inMemory.score()).isEqualTo(fromFile.score());
        }
    }

    /**
     * {@link AnomalyDetector#predict(List)} runs files in batches of {@link AnomalyDetector#BATCH}:
     * over two and a half batches, every file gets, in the order given, the score it gets alone (up to
     * rounding: oneDNN's kernels differ between batch sizes).
     */
    @Test
    void filesInSeveralBatchesScoreAsAloneInOrder(@TempDir Path dir) throws IOException {
        int n = 2 * AnomalyDetector.BATCH + AnomalyDetector.BATCH / 2;
        List<Path> files = new ArrayList<>();
        Random random = new Random(4);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(70, 70, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 70; y++) {
                for (int x = 0; x < 70; x++) {
                    img.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            files.add(dir.resolve(i + ".png"));
            ImageIO.write(img, "png", files.get(i).toFile());
        }
        try (StfpmModel model = untrained(SMALL.seed() + 1)) {
            List<Prediction> together = model.predict(files);
            assertThat(together).hasSize(n);
            for (int i = 0; i < n; i++) {
                Prediction alone = model.predict(files.get(i));
                assertThat(together.get(i).image()).isEqualTo(files.get(i));
                assertThat(together.get(i).score()).as("image %d", i)
                        .isCloseTo(alone.score(), within(1e-5f * alone.score()));
            }
        }
    }

    @Test
    void aClosedModelRefusesWork() {
        StfpmModel model = untrained();
        model.close();
        model.close();
        assertThatThrownBy(() -> model.anomalyMaps(Nd4j.zeros(DataType.FLOAT, 1, 64, 64, 3)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void loadRefusesOtherFilesWithTheirName(@TempDir Path dir) throws IOException {
        Path junk = dir.resolve("junk.stfpm");
        Files.writeString(junk, "not a model");
        assertThatThrownBy(() -> StfpmModel.load(junk)).isInstanceOf(IOException.class)
                .hasMessageContaining(junk.toString()).hasMessageContaining("not an STFPM model file");
        assertThatThrownBy(() -> StfpmModel.load(dir.resolve("missing.stfpm"))).isInstanceOf(IOException.class)
                .hasMessageContaining("missing.stfpm");
    }
}
