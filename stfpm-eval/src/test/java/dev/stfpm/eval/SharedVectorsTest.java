package dev.stfpm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every case of {@code ../shared/eval-vectors}, to 1e-6, against its {@code expected.json}. */
class SharedVectorsTest {

    private static final Logger LOG = LoggerFactory.getLogger(SharedVectorsTest.class);
    private static final double TOL = 1e-6;

    @TestFactory
    List<DynamicTest> reproducesEveryCase() throws IOException {
        Path dir = SharedVectors.dir();
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expected.properties()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> check(dir.resolve(e.getKey() + ".npz"), e.getKey(), e.getValue())));
        }
        assertThat(tests).isNotEmpty();
        return tests;
    }

    private static void check(Path npz, String name, JsonNode want) throws IOException {
        SharedVectors.Case c = SharedVectors.Case.load(npz);
        double imageAuroc = RocCurve.of(c.maxScores(), c.labels()).auc();
        PixelSet pixels = c.pixels();
        StringBuilder log = new StringBuilder(name + ": image_auroc " + imageAuroc);
        assertThat(imageAuroc).as(name + " image_auroc").isCloseTo(want.get("image_auroc").asDouble(), within(TOL));
        for (String limit : List.of("0.05", "0.3", "1.0")) {
            PixelMetrics m = PixelMetrics.compute(pixels, null, Double.parseDouble(limit), true);
            assertThat(m.auroc()).as(name + " pixel_auroc").isCloseTo(want.get("pixel_auroc").asDouble(), within(TOL));
            assertThat(m.auPro()).as(name + " au_pro_" + limit).isCloseTo(want.get("au_pro_" + limit).asDouble(), within(TOL));
            // the exact curve kept by the sweep integrates to the same value
            assertThat(m.pro().orElseThrow().auPro(Double.parseDouble(limit))).isCloseTo(m.auPro(), within(1e-12));
            if (limit.equals("0.3")) {
                log.append(", pixel_auroc ").append(m.auroc());
            }
            log.append(", au_pro_").append(limit).append(' ').append(m.auPro());
        }
        LOG.info("{}", log);
    }
}
