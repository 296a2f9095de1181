package dev.stfpm.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stfpm.eval.EvaluationResult;
import dev.stfpm.eval.MapEvaluator;
import dev.stfpm.eval.TinyDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ReportWriter} and {@link TerminalSummary} on tiny data sets. */
class ReportWriterTest {

    @TempDir
    Path tmp;

    @Test
    void writesEveryReport() throws IOException {
        TinyDataset ds = TinyDataset.handCase(tmp);
        EvaluationResult r = MapEvaluator.evaluate(ds.root, ds.maps, 0.3);
        Path out = tmp.resolve("report");
        Path html = ReportWriter.write(r, out);

        JsonNode json = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertThat(json.get("pixel_auroc").asDouble()).isCloseTo(5.5 / 7, within(1e-9));
        assertThat(json.get("au_pro").asDouble()).isCloseTo(2.0 / 7, within(1e-9));
        assertThat(json.get("image_auroc").asDouble()).isZero();
        assertThat(json.get("pro_limit").asDouble()).isEqualTo(0.3);
        assertThat(json.get("per_defect").get("crack").get("pixel_auroc").asDouble()).isCloseTo(5.5 / 7, within(1e-9));
        assertThat(json.get("thresholds").get("image_f1").get("value").asDouble()).isCloseTo(0.3, within(1e-6));
        assertThat(json.get("notes").isObject()).isTrue();

        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("| crack | 1 | 0.0000 | 0.7857 | 0.2857 |").contains("| **overall** |")
                .contains("against the 1 good test images");

        for (String png : new String[] {"roc_image.png", "roc_pixel.png", "pro_curve.png", "images/crack/000.png",
                "images/good/000.png"}) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertThat(img).as(png).isNotNull();
            assertThat(img.getWidth()).as(png).isGreaterThan(256);
        }

        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<td>crack</td>").doesNotContain("http:")
                .doesNotContain("https:").doesNotContain("file:").doesNotContain("<script");
        Matcher links = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page);
        int n = 0;
        while (links.find()) {
            String link = links.group(1);
            assertThat(link).doesNotStartWith("/");
            assertThat(out.resolve(link)).as(link).exists();
            n++;
        }
        assertThat(n).isGreaterThanOrEqualTo(7);
    }

    @Test
    void undefinedMetricsAreNullWithTheirReasons() throws IOException {
        TinyDataset ds = new TinyDataset(tmp)
                .add("good", "000", new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 2, 2, null, 0)
                .add("good", "001", new float[] {0.5f, 0.2f, 0.3f, 0.4f}, 2, 2, null, 0);
        EvaluationResult r = MapEvaluator.evaluate(ds.root, ds.maps, 0.3);
        Path out = tmp.resolve("out");
        ReportWriter.write(r, out);
        String json = Files.readString(out.resolve("metrics.json"));
        assertThat(json).contains("\"image_auroc\" : null").doesNotContain("NaN").contains("no anomalous test images");
        assertThat(out.resolve("images/good/001.png")).isRegularFile();
    }

    @Test
    void terminalSummaryGivesCountsMetricsAndNotes() throws IOException {
        TinyDataset ds = TinyDataset.handCase(tmp);
        String summary = TerminalSummary.of(MapEvaluator.evaluate(ds.root, ds.maps, 0.3));
        assertThat(summary).isEqualTo("tiny: 2 test images (1 good, 1 anomalous)\n"
                + "image AUROC 0.0000  pixel AUROC 0.7857  AU-PRO(FPR<=0.3) 0.2857");
    }
}
