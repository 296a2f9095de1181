package dev.stfpm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.nn.FeaturePyramid;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.TrainingHistory;
import dev.stfpm.nn.onnx.OnnxExporter;
import dev.stfpm.nn.onnx.Teacher;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/DEPLOY.md's Java example: its text is this module's source, and it prints the scores StfpmModel gives. */
class OnnxDeployTest {

    private static final Path PROJECT = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."));

    @TempDir
    Path tmp;

    @Test
    void deployMdShowsTheExampleVerbatim() throws Exception {
        String source = Files.readString(Path.of("src/main/java/dev/stfpm/examples/OnnxDeploy.java"));
        String deploy = Files.readString(PROJECT.resolve("docs/DEPLOY.md"));
        assertThat(deploy).as("docs/DEPLOY.md's Java example is OnnxDeploy.java, whole").contains("```java\n" + source + "```");
    }

    @Test
    void printsTheScoresAndDecisionsOfTheModel() throws Exception {
        StfpmConfig config = StfpmConfig.paper().withImageSize(64);
        var history = new TrainingHistory("data", 1, 0, "teacher", Teacher.IMAGENET_RESNET18_SHA256, List.of(), 0, 0, "now",
                "test", 0);
        Random random = new Random(3);
        String[] args = new String[3];
        args[0] = tmp.resolve("model.onnx").toString();
        for (int i = 1; i < args.length; i++) {
            BufferedImage img = new BufferedImage(90 + 30 * i, 80, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            Path file = tmp.resolve("image" + i + ".png");
            ImageIO.write(img, "png", file.toFile());
            args[i] = file.toString();
        }
        float[] expected = new float[args.length];
        try (StfpmModel model = new StfpmModel(config, FeaturePyramid.teacher(Teacher.imagenetResNet18().weights(), config),
                FeaturePyramid.student(config), history, null)) {
            for (int i = 1; i < args.length; i++) {
                expected[i] = model.predict(Path.of(args[i])).score();
            }
            double threshold = (expected[1] + expected[2]) / 2;
            try (StfpmModel calibrated = model.withCalibration(new AnomalyCalibration(threshold, threshold, 0, 1, "test"))) {
                OnnxExporter.write(calibrated, OnnxExporter.InputForm.IMAGE, Path.of(args[0]));
            }
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            OnnxDeploy.main(args);
        } finally {
            System.setOut(stdout);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        System.out.println(String.join("\n", lines));
        assertThat(lines).hasSize(2);
        for (int i = 1; i < args.length; i++) {
            String line = lines.get(i - 1);
            assertThat(line).startsWith(args[i] + ": score ");
            double score = Double.parseDouble(line.replaceAll(".*score ([0-9.]+).*", "$1"));
            assertThat(score).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4));
            boolean anomalous = expected[i] >= (expected[1] + expected[2]) / 2;
            assertThat(line).endsWith(anomalous ? ", anomalous" : ", normal");
        }
    }
}
