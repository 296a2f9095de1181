package dev.stfpm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.onnx.Teacher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's library example: its text is this module's source, and it runs from an empty folder. */
class QuickStartTest {

    private static final Path PROJECT = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."));

    @TempDir
    Path tmp;

    @Test
    void readmeShowsTheExampleVerbatim() throws Exception {
        String source = Files.readString(Path.of("src/main/java/dev/stfpm/examples/QuickStart.java"));
        String readme = Files.readString(PROJECT.resolve("README.md"));
        assertThat(readme).as("README.md's library example is QuickStart.java, whole").contains("```java\n" + source + "```");
    }

    @Test
    void runsInAnEmptyFolderAndScoresDefectsAboveGoodImages() throws Exception {
        Path work = tmp.resolve("quickstart");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            QuickStart.main(new String[] {work.toString()});
        } finally {
            System.setOut(stdout);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        System.out.println(printed);
        assertThat(printed).as("SameDiff's console output is captured by the library").doesNotContain("Added differentiated op");
        assertThat(printed).contains("epoch 40: loss ");
        assertThat(work.resolve("data/train/good")).isDirectory();
        assertThat(printed).contains("in-memory image: score");
        try (StfpmModel model = StfpmModel.load(work.resolve("model.stfpm"))) {
            assertThat(model.history().teacherSha256()).isEqualTo(Teacher.IMAGENET_RESNET18_SHA256);
        }
        double good = meanScore(printed, "good");
        double defective = meanScore(printed, "crack");
        assertThat(defective).as("mean score of cracks vs good test images").isGreaterThan(good);
    }

    /** Mean of the scores the example printed for one defect type's test images. */
    private static double meanScore(String printed, String defect) {
        return printed.lines().filter(l -> l.startsWith(defect + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf("score ") + 6).trim().replace(',', '.')))
                .average().orElseThrow(() -> new AssertionError("no " + defect + " lines in:\n" + printed));
    }
}
