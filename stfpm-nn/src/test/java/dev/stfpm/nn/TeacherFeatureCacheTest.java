package dev.stfpm.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stfpm.core.StfpmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The teacher-feature cache hands out what was put in, from memory and from a file alike. */
class TeacherFeatureCacheTest {

    private static final long[][] SHAPES = {{3, 8, 8}, {4, 2, 2}, {2, 1, 1}};
    /** Bytes of one record: (192 + 16 + 2) floats. */
    private static final int RECORD = (192 + 16 + 2) * Float.BYTES;

    private static INDArray random(long n, long[] shape, long seed) {
        long[] full = new long[shape.length + 1];
        full[0] = n;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return Nd4j.rand(DataType.FLOAT, full).addi(seed);
    }

    /** The values, exactly (float to double is exact). */
    private static double[] bits(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    private static void checkRoundTrip(TeacherFeatureCache cache, int size) throws IOException {
        Nd4j.getRandom().setSeed(11);
        List<INDArray[]> parts = new ArrayList<>();
        for (int first = 0; first < size; first += 3) {
            int n = Math.min(3, size - first);
            INDArray[] batch = new INDArray[SHAPES.length];
            for (int p = 0; p < SHAPES.length; p++) {
                // a permuted (not row-major) array as well, as the teacher's outputs may be
                batch[p] = p == 1 ? random(n, SHAPES[p], first).permute(0, 1, 3, 2).dup('f').permute(0, 1, 3, 2)
                        : random(n, SHAPES[p], first);
            }
            cache.put(first, batch[0], new INDArray[] {batch[1], batch[2]});
            parts.add(batch);
        }
        List<Integer> order = List.of(size - 1, 0, 4, 2);
        MultiDataSet batch = cache.batch(order);
        assertThat(batch.getFeatures()).hasSize(1);
        assertThat(batch.getLabels()).hasSize(2);
        for (int p = 0; p < SHAPES.length; p++) {
            INDArray got = p == 0 ? batch.getFeatures(0) : batch.getLabels(p - 1);
            assertThat(got.shape()).containsExactly(order.size(), SHAPES[p][0], SHAPES[p][1], SHAPES[p][2]);
            for (int i = 0; i < order.size(); i++) {
                int record = order.get(i);
                INDArray expected = parts.get(record / 3)[p].get(NDArrayIndex.interval(record % 3, record % 3 + 1));
                assertThat(bits(got.get(NDArrayIndex.interval(i, i + 1)))).as("part %d of record %d", p, record)
                        .containsExactly(bits(expected));
            }
        }
    }

    @Test
    void aCacheWithinTheBudgetIsInMemory(@TempDir Path dir) throws IOException {
        try (TeacherFeatureCache cache = new TeacherFeatureCache(SHAPES, 10, new FeatureCacheLimit(10L * RECORD, dir))) {
            assertThat(cache.isFileBacked()).isFalse();
            assertThat(cache.totalBytes()).isEqualTo(10L * RECORD);
            checkRoundTrip(cache, 10);
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aCacheOverTheBudgetIsAFileThatIsUnlinkedAtOnce(@TempDir Path dir) throws IOException {
        try (TeacherFeatureCache cache = new TeacherFeatureCache(SHAPES, 10,
                new FeatureCacheLimit(10L * RECORD - 1, dir.resolve("new")))) {
            assertThat(cache.isFileBacked()).isTrue();
            assertThat(cache.file().getParent()).isEqualTo(dir.resolve("new"));
            assertThat(cache.file()).as("unlinked at once (POSIX)").doesNotExist();
            checkRoundTrip(cache, 10);
        }
        try (Stream<Path> left = Files.list(dir.resolve("new"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void recordsSpreadOverSeveralSegmentsInMemoryAndInAFile(@TempDir Path dir) throws IOException {
        for (long budget : new long[] {Long.MAX_VALUE, 0}) {
            // 3 records a segment: segments of 3, 3, 3 and 2 records
            try (TeacherFeatureCache cache = new TeacherFeatureCache(SHAPES, 11, new FeatureCacheLimit(budget, dir),
                    3 * RECORD + 5)) {
                checkRoundTrip(cache, 11);
            }
        }
    }

    @Test
    void trainingWithTheCacheInAFileGivesTheModelOfTrainingWithItInMemoryBitForBit(@TempDir Path dir) throws IOException {
        StfpmConfig config = StfpmConfig.paper().withImageSize(64).withEpochs(2).withBatchSize(4);
        List<Path> files = StfpmTrainerTestImages.images(dir, 10);
        FeaturePyramid teacher = FeaturePyramid.teacher(config);
        StfpmTrainer.Provenance provenance = new StfpmTrainer.Provenance(dir.toString(), "random teacher", "-");
        List<Optional<Path>> heard = new ArrayList<>();
        StfpmTrainer.Listener listener = new StfpmTrainer.Listener() {
            @Override
            public void cachingStarted(int images, long bytes, Optional<Path> directory) {
                assertThat(images).isEqualTo(10);
                assertThat(bytes).as("3·64² + 64·16² + 128·8² + 256·4² floats each")
                        .isEqualTo(10L * (3 * 64 * 64 + 64 * 16 * 16 + 128 * 8 * 8 + 256 * 4 * 4) * Float.BYTES);
                heard.add(directory);
            }
        };
        Path cacheDir = Files.createDirectory(dir.resolve("cache"));
        StfpmModel inMemory = new StfpmTrainer(config).train(teacher, files, provenance, listener);
        StfpmModel inFile = new StfpmTrainer(config).withFeatureCache(new FeatureCacheLimit(0, cacheDir))
                .train(teacher, files, provenance, listener);
        assertThat(heard).containsExactly(Optional.empty(), Optional.of(cacheDir));
        assertThat(Arrays.mismatch(bits(inFile.student().graph().params()), bits(inMemory.student().graph().params())))
                .as("first parameter that differs").isEqualTo(-1);
        assertThat(inFile.history().epochs().stream().map(EpochResult::validationLoss))
                .containsExactlyElementsOf(inMemory.history().epochs().stream().map(EpochResult::validationLoss).toList());
        assertThat(cacheDir).isEmptyDirectory();
    }
}
