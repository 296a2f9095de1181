package dev.stfpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stfpm.nn.StfpmModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@code train}, {@code test}, {@code predict} and {@code evaluate} write: never onto or into
 * their inputs, one map per image, no stale files beside new ones, and no {@code .part} files left by
 * killed saves. One tiny model (one epoch, 64×64) is trained for all tests.
 */
class OutputFilesTest {

    @TempDir
    static Path shared;

    private static Path data;
    private static Path model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        data = TinyCategory.write(shared.resolve("tiny"));
        model = shared.resolve("models/tiny.stfpm");
        CliRun train = CliRun.of("train", "--data", data.toString(), "--out", model.toString(),
                "--epochs", "1", "--batch-size", "2", "--image-size", "64");
        assertThat(train.exit()).as(train.stderr()).isZero();
    }

    private static String[] train(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(),
                "--epochs", "1", "--batch-size", "2", "--image-size", "64"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    // 1. an --out that is an input of the same command

    @Test
    void trainRefusesToOverwriteTheTeacher() throws IOException {
        Path teacher = tmp.resolve("t.onnx");
        try (InputStream in = OutputFilesTest.class.getClassLoader()
                .getResourceAsStream("dev/stfpm/weights/resnet18-imagenet.onnx")) {
            assertThat(in).isNotNull();
            Files.copy(in, teacher);
        }
        long size = Files.size(teacher);
        FileTime modified = Files.getLastModifiedTime(teacher);

        for (Path out : List.of(teacher, tmp.resolve("sub/../t.onnx"))) {
            CliRun run = CliRun.of(train(out, "--teacher", teacher.toString()));
            assertThat(run.exit()).as(run.stdout() + run.stderr()).isEqualTo(StfpmCli.BAD_INPUT);
            assertThat(run.stderr()).contains(out.toString()).contains("teacher file " + teacher)
                    .doesNotContain("\tat ");
        }
        assertThat(Files.size(teacher)).isEqualTo(size);
        assertThat(Files.getLastModifiedTime(teacher)).isEqualTo(modified);
    }

    @Test
    void trainRefusesAModelFileAmongTheImages() {
        Path out = data.resolve("train/good/model.stfpm");
        CliRun run = CliRun.of(train(out));
        assertThat(run.exit()).as(run.stdout() + run.stderr()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(run.stderr()).contains(out.toString()).contains("--data").contains(data.resolve("train").toString());
        assertThat(out).doesNotExist();
    }

    @Test
    void testRefusesAnOutInsideTheDataOrEqualToTheModel() throws IOException {
        Path inside = data.resolve("results");
        CliRun run = CliRun.of("test", "--model", model.toString(), "--data", data.toString(), "--out", inside.toString(),
                "--save-calibration");
        assertThat(run.exit()).as(run.stdout() + run.stderr()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(run.stderr()).contains(inside.toString()).contains("--data " + data);
        assertThat(inside).doesNotExist();

        byte[] before = Files.readAllBytes(model);
        for (Path out : List.of(model, model.getParent())) {
            CliRun same = CliRun.of("test", "--model", model.toString(), "--data", data.toString(), "--out", out.toString(),
                    "--save-calibration");
            assertThat(same.exit()).as(same.stdout() + same.stderr()).isEqualTo(StfpmCli.BAD_INPUT);
            assertThat(same.stderr()).contains(out.toString()).contains("--model " + model);
        }
        assertThat(Files.readAllBytes(model)).isEqualTo(before);

        CliRun holding = CliRun.of("test", "--model", model.toString(), "--data", data.toString(),
                "--out", shared.toString());
        assertThat(holding.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(holding.stderr()).contains("holds the input");
    }

    @Test
    void predictRefusesAnOutThatIsAnInputOrTheModel() throws IOException {
        Path images = Files.createDirectories(tmp.resolve("images"));
        Path image = Files.copy(data.resolve("test/good/000.png"), images.resolve("a.png"));
        byte[] before = Files.readAllBytes(image);

        CliRun onImage = CliRun.of("predict", "--model", model.toString(), "--out", image.toString(), image.toString());
        assertThat(onImage.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(onImage.stderr()).contains(image + ": is also the input image or folder " + image);

        CliRun onModel = CliRun.of("predict", "--model", model.toString(), "--out", model.toString(), image.toString());
        assertThat(onModel.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(onModel.stderr()).contains(model + ": is also the input --model " + model);

        Path insideFolder = images.resolve("maps");
        CliRun inside = CliRun.of("predict", "--model", model.toString(), "--out", insideFolder.toString(),
                images.toString());
        assertThat(inside.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(inside.stderr()).contains(insideFolder.toString()).contains("inside the input folder " + images);
        assertThat(insideFolder).doesNotExist();

        CliRun holding = CliRun.of("predict", "--model", model.toString(), "--out", images.toString(), image.toString());
        assertThat(holding.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(holding.stderr()).contains(images.toString()).contains("holds the input");
        assertThat(Files.readAllBytes(image)).isEqualTo(before);
    }

    // 2. one map per input

    @Test
    void predictWritesOneMapPerImageAndNamesItInScoresCsv() throws IOException {
        Path dup = Files.createDirectories(tmp.resolve("dup"));
        Path png = Files.copy(data.resolve("test/good/000.png"), dup.resolve("a.png"));
        Path jpg = dup.resolve("a.jpg");
        ImageIO.write(toRgb(ImageIO.read(data.resolve("test/scratch/000.png").toFile())), "jpg", jpg.toFile());
        Path x = Files.copy(data.resolve("test/good/000.png"), Files.createDirectories(tmp.resolve("x")).resolve("000.png"));
        Path y = Files.copy(data.resolve("test/scratch/000.png"), Files.createDirectories(tmp.resolve("y")).resolve("000.png"));

        Path out = tmp.resolve("out");
        CliRun run = CliRun.of("predict", "--model", model.toString(), "--out", out.toString(),
                png.toString(), jpg.toString(), x.toString(), y.toString(), data.resolve("train").toString());
        assertThat(run.exit()).as(run.stderr()).isZero();

        List<String> csv = Files.readAllLines(out.resolve("scores.csv"));
        assertThat(csv.get(0)).isEqualTo("map,path,score");
        List<String> maps = csv.stream().skip(1).map(row -> row.split(",")[0]).toList();
        List<String> paths = csv.stream().skip(1).map(row -> row.split(",")[1]).toList();
        assertThat(maps).hasSize(4 + 6).doesNotHaveDuplicates()
                .startsWith("a.png.npy", "a.jpg.npy", "000.png.npy", "000.png-2.npy")
                .contains("train/good/000.npy");
        assertThat(paths).startsWith(png.toString(), jpg.toString(), x.toString(), y.toString());
        for (String map : maps) {
            assertThat(out.resolve(map)).isRegularFile();
        }
        assertThat(npyFiles(out)).hasSize(maps.size());
    }

    @Test
    void predictScoresOfATestFolderStillFeedEvaluate() throws IOException {
        Path out = tmp.resolve("predicted");
        CliRun predict = CliRun.of("predict", "--model", model.toString(), "--out", out.toString(),
                data.resolve("test").toString());
        assertThat(predict.exit()).as(predict.stderr()).isZero();
        CliRun evaluate = CliRun.of("evaluate", "--dataset", data.toString(), "--anomaly-maps", out.toString(),
                "--image-scores", out.resolve("scores.csv").toString(), "--out", tmp.resolve("eval").toString());
        assertThat(evaluate.exit()).as(evaluate.stderr()).isZero();
    }

    // 3. stale output

    @Test
    void predictReplacesItsOwnEarlierOutputOnly() throws IOException {
        Path out = tmp.resolve("out");
        CliRun first = CliRun.of("predict", "--model", model.toString(), "--out", out.toString(),
                data.resolve("train").toString());
        assertThat(first.exit()).as(first.stderr()).isZero();
        assertThat(npyFiles(out)).hasSize(6);

        CliRun second = CliRun.of("predict", "--model", model.toString(), "--out", out.toString(),
                data.resolve("test/good/000.png").toString());
        assertThat(second.exit()).as(second.stderr()).isZero();
        assertThat(npyFiles(out)).containsExactly(out.resolve("000.npy"));
        assertThat(Files.readAllLines(out.resolve("scores.csv"))).hasSize(2);

        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("thesis.tex"), "precious");
        CliRun refused = CliRun.of("predict", "--model", model.toString(), "--out", mine.toString(),
                data.resolve("test/good/000.png").toString());
        assertThat(refused.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(refused.stderr()).contains(mine + ": is not empty and was not written by 'stfpm predict'");
        assertThat(mine.resolve("thesis.tex")).hasContent("precious");
        try (Stream<Path> files = Files.list(mine)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void testReplacesItsOwnEarlierOutputOnly() throws IOException {
        Path out = tmp.resolve("test-out");
        CliRun first = CliRun.of("test", "--model", model.toString(), "--data", data.toString(), "--out", out.toString());
        assertThat(first.exit()).as(first.stderr()).isZero();
        Path stale = out.resolve("maps/test/old-defect/000.npy");
        Files.createDirectories(stale.getParent());
        Files.copy(out.resolve("maps/test/good/000.npy"), stale);

        CliRun second = CliRun.of("test", "--model", model.toString(), "--data", data.toString(), "--out", out.toString());
        assertThat(second.exit()).as(second.stderr()).isZero();
        assertThat(stale).doesNotExist();
        assertThat(out.resolve("maps/test/good/000.npy")).isRegularFile();
        assertThat(out.resolve("metrics.json")).isRegularFile();

        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("thesis.tex"), "precious");
        CliRun refused = CliRun.of("test", "--model", model.toString(), "--data", data.toString(), "--out", mine.toString());
        assertThat(refused.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(refused.stderr()).contains(mine + ": is not empty and was not written by 'stfpm test'");
        assertThat(mine.resolve("thesis.tex")).hasContent("precious");
        assertThat(mine.resolve("maps")).doesNotExist();
    }

    // 4. --out is a file

    @Test
    void predictNamesAnOutThatIsAFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "mine");
        CliRun run = CliRun.of("predict", "--model", model.toString(), "--out", file.toString(),
                data.resolve("test/good/000.png").toString());
        assertThat(run.exit()).isEqualTo(StfpmCli.BAD_INPUT);
        assertThat(run.stderr().strip()).isEqualTo("stfpm predict: " + file + ": is a file; --out takes a folder");
        assertThat(file).hasContent("mine");
    }

    // 5. .part files of killed saves

    @Test
    void saveRemovesStalePartFilesOfTheSameModelOnly() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("models"));
        FileTime old = FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS));
        Path stale = Files.writeString(dir.resolve("m.stfpm4821019383.part"), "killed");
        Files.setLastModifiedTime(stale, old);
        Path fresh = Files.writeString(dir.resolve("m.stfpm77.part"), "being written by another save");
        Path otherModel = Files.writeString(dir.resolve("other.stfpm123.part"), "killed");
        Files.setLastModifiedTime(otherModel, old);
        Path notAPart = Files.writeString(dir.resolve("m.stfpm.notes.part"), "mine");
        Files.setLastModifiedTime(notAPart, old);

        try (StfpmModel m = StfpmModel.load(model)) {
            m.save(dir.resolve("m.stfpm"));
        }
        assertThat(dir.resolve("m.stfpm")).isRegularFile();
        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
        assertThat(otherModel).exists();
        assertThat(notAPart).exists();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).hasSize(4);
        }
    }

    private static List<Path> npyFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".npy")).toList();
        }
    }

    private static BufferedImage toRgb(BufferedImage image) {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(image, 0, 0, null);
        return rgb;
    }
}
