package dev.stfpm.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stfpm.nn.AnomalyMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernels launched on the GPU against {@link AnomalyMap}: the same maps and scores, on the same
 * features as {@link AnomalyMapHostCheckTest}. Runs only where a CUDA device is; elsewhere it checks
 * that the backend says why in one line.
 */
class CudaAnomalyMapTest {

    private static final Logger LOG = LoggerFactory.getLogger(CudaAnomalyMapTest.class);

    private static CudaUnavailableException unavailable;

    @BeforeAll
    static void probe() {
        try {
            CudaAnomalyMap.open(1, 1).close();
        } catch (CudaUnavailableException e) {
            unavailable = e;
        }
    }

    @AfterAll
    static void forget() {
        unavailable = null;
    }

    @Test
    void withoutADeviceTheBackendSaysWhyInOneLineAndTheCpuKernelStillWorks() {
        assumeTrue(unavailable != null, "a CUDA device is present");
        System.out.println("[stfpm] " + unavailable.getMessage());
        assertThat(unavailable.getMessage()).startsWith("CUDA backend unavailable: ").doesNotContain("\n");
        TestPyramids features = TestPyramids.oddShapes();
        assertThat(new AnomalyMap(4, features.size()).compute(features.teacher(), features.student()).length())
                .isEqualTo(3L * features.size() * features.size());
    }

    @Test
    void randomFeaturesInThePapersShapes() throws Exception {
        check(TestPyramids.paperShapes());
    }

    @Test
    void oddShapesZeroVectorsAndEqualFeatures() throws Exception {
        check(TestPyramids.oddShapes());
    }

    @Test
    void realFeaturesOfBottleImages() throws Exception {
        check(TestPyramids.bottle());
    }

    private static void check(TestPyramids features) throws CudaUnavailableException {
        if (unavailable != null) {
            String reason = "skipped CudaAnomalyMapTest (" + features.name() + "): " + unavailable.getMessage();
            System.out.println("[stfpm] " + reason);
            assumeTrue(false, reason);
        }
        try (CudaAnomalyMap gpu = CudaAnomalyMap.open(features.teacher().length, features.size())) {
            CudaAnomalyMap.Result result = gpu.compute(features.teacher(), features.student());
            double difference = MapComparison.assertSameAsCpu(features, result.maps().data().asFloat(), result.scores());
            LOG.info("{}, {}: max |map - CPU map| = {} of the range", gpu.device(), features.name(), difference);
        }
    }
}
