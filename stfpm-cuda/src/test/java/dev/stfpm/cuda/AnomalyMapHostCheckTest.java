package dev.stfpm.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.NpyArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernels' arithmetic ({@code anomaly_map.cuh}) run on the CPU by the host check that nvcc
 * builds from it, against {@link dev.stfpm.nn.AnomalyMap}: the same maps and scores. Needs no GPU;
 * skipped, with a message, when the build had no nvcc.
 */
class AnomalyMapHostCheckTest {

    private static final Logger LOG = LoggerFactory.getLogger(AnomalyMapHostCheckTest.class);

    private static Path hostCheck;

    @TempDir
    Path dir;

    @BeforeAll
    static void findHostCheck() {
        hostCheck = Path.of(System.getProperty("stfpm.cuda.host", "target/native/anomaly-map-host"));
        if (!Files.isExecutable(hostCheck)) {
            String reason = "skipped AnomalyMapHostCheckTest: " + hostCheck + " was not built (nvcc was not on the PATH)";
            System.out.println("[stfpm] " + reason);
            assumeTrue(false, reason);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.stfpm.cuda.TestPyramids#cases")
    void sameMapsAndScoresAsTheCpuKernel(TestPyramids.Case testCase) throws Exception {
        check(testCase.make());
    }

    private void check(TestPyramids features) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(hostCheck.toString(), Integer.toString(features.size()),
                dir.resolve("maps.npy").toString(), dir.resolve("scores.npy").toString()));
        for (int l = 0; l < features.teacher().length; l++) {
            command.add(write("teacher" + l, features.teacher()[l]).toString());
            command.add(write("student" + l, features.student()[l]).toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("host check finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("host check's exit status; it said: %s", output).isZero();
        NpyArray maps = Npy.read(dir.resolve("maps.npy"));
        NpyArray scores = Npy.read(dir.resolve("scores.npy"));
        int images = (int) features.teacher()[0].size(0);
        assertThat(maps.shape()).containsExactly(images, features.size(), features.size());
        double difference = MapComparison.assertSameAsCpu(features, maps.data(), scores.data());
        LOG.info("host check, {}: max |map - CPU map| = {} of the range", features.name(), difference);
    }

    private Path write(String name, INDArray features) throws IOException {
        Path file = dir.resolve(name + ".npy");
        Npy.write(file, features.dup('c').data().asFloat(), Arrays.stream(features.shape()).mapToInt(Math::toIntExact).toArray());
        return file;
    }
}
