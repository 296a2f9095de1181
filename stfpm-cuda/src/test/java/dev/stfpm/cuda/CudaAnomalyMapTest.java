package dev.stfpm.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stfpm.nn.AnomalyMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.stfpm.cuda.TestPyramids#cases")
    void sameMapsAndScoresAsTheCpuKernel(TestPyramids.Case testCase) throws Exception {
        if (unavailable != null) {
            String reason = "skipped CudaAnomalyMapTest: " + unavailable.getMessage();
            System.out.println("[stfpm] " + reason);
            assumeTrue(false, reason);
        }
        check(testCase.make());
    }

    private static void check(TestPyramids features) throws CudaUnavailableException {
        try (CudaAnomalyMap gpu = CudaAnomalyMap.open(features.teacher().length, features.size())) {
            CudaAnomalyMap.Result result = gpu.compute(features.teacher(), features.student());
            double difference = MapComparison.assertSameAsCpu(features, result.maps().data().asFloat(), result.scores());
            LOG.info("{}, {}: max |map - CPU map| = {} of the range", gpu.device(), features.name(), difference);
        }
    }
}
