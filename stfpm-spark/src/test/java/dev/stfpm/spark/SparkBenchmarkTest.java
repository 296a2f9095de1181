package dev.stfpm.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.cli.StfpmCli;
import dev.stfpm.core.synth.SyntheticInspectionSet;
import dev.stfpm.core.synth.SyntheticSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stfpm-spark benchmark} on {@code local[2]} against {@code stfpm benchmark} on two tiny
 * generated categories: with one task at a time ({@code spark.task.cpus=2}) the metrics are the
 * sequential run's exactly; with both trainings at once in the one JVM, within 0.005 (the threads may
 * change the order of floating-point sums).
 */
class SparkBenchmarkTest {

    private static final List<String> METRICS = List.of("image_auroc", "pixel_auroc", "au_pro");

    @TempDir
    Path tmp;

    @Test
    void aSparkSuiteMatchesTheSequentialOne() throws IOException {
        Path root = tmp.resolve("suite");
        List<String> categories = List.of("bottle", "tiny");
        for (int c = 0; c < categories.size(); c++) {
            SyntheticInspectionSet.write(SyntheticSpec.demo().withImageSize(64).withTrainImages(6).withTestGoodImages(1)
                    .withTestImagesPerDefect(1).withSeed(c), root.resolve(categories.get(c)));
        }
        String[] train = {"--epochs", "1", "--batch-size", "2", "--image-size", "64", "--seed", "7"};

        JsonNode sequential = benchmark(StfpmCli.run(concat(new String[] {"benchmark", "--root", root.toString(),
                "--out", tmp.resolve("sequential").toString(), "--quiet"}, train)), "sequential");
        String[] spark = {"--master", "local[2]", "--conf", "spark.ui.enabled=false", "--root", root.toString()};
        SparkRun oneAtATime = SparkRun.of(concat(concat(new String[] {"benchmark", "--conf", "spark.task.cpus=2",
            "--out", tmp.resolve("one").toString()}, spark), train));
        assertThat(oneAtATime.exit()).as(oneAtATime.stderr()).isZero();
        assertThat(oneAtATime.stdout()).contains("2 categories as Spark tasks on local[2]");
        SparkRun together = SparkRun.of(concat(concat(new String[] {"benchmark", "--out",
            tmp.resolve("together").toString()}, spark), train));
        assertThat(together.exit()).as(together.stderr()).isZero();

        JsonNode one = benchmark(oneAtATime.exit(), "one");
        JsonNode both = benchmark(together.exit(), "together");
        for (int c = 0; c < 2; c++) {
            JsonNode expected = sequential.get("categories").get(c);
            assertThat(one.get("categories").get(c).get("category")).isEqualTo(expected.get("category"));
            for (String metric : METRICS) {
                double want = expected.get(metric).asDouble();
                assertThat(one.get("categories").get(c).get(metric).asDouble()).as("one at a time: " + metric).isEqualTo(want);
                double got = both.get("categories").get(c).get(metric).asDouble();
                System.out.printf("%s %s: sequential %s, Spark one at a time %s, Spark together %s%n",
                        expected.get("category").asText(), metric, want,
                        one.get("categories").get(c).get(metric).asDouble(), got);
                assertThat(got).as("together: " + metric).isCloseTo(want, within(0.005));
            }
            assertThat(one.get("categories").get(c).get("train_peak_bytes").asLong()).as("not the task's own").isZero();
        }
        assertThat(Files.readString(tmp.resolve("together/benchmark.md"))).contains("[report](bottle/test/report.html)");
    }

    private JsonNode benchmark(int exit, String out) throws IOException {
        assertThat(exit).isZero();
        return new ObjectMapper().readTree(tmp.resolve(out).resolve("benchmark.json").toFile());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
