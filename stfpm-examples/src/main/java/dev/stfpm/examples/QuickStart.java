package dev.stfpm.examples;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.data.MvtecCategory;
import dev.stfpm.core.data.TestImage;
import dev.stfpm.core.synth.SyntheticInspectionSet;
import dev.stfpm.core.synth.SyntheticSpec;
import dev.stfpm.nn.Prediction;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.StfpmTrainer;
import dev.stfpm.nn.onnx.Teacher;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Train STFPM on a folder of defect-free images, save the model, load it and score new images. */
public final class QuickStart {

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "stfpm-quickstart");

        // 1. Data in the MVTec AD layout: train/good/*.png, test/<defect>/*.png, ground_truth/...
        //    Here a generated inspection set; point `data` at your own folder instead.
        Path data = work.resolve("data");
        if (!Files.isDirectory(data)) {
            SyntheticInspectionSet.write(SyntheticSpec.demo(), data);
        }
        MvtecCategory category = MvtecCategory.open(data);

        // 2. Train a student against the shipped ImageNet teacher (the paper's settings, shortened).
        StfpmConfig config = StfpmConfig.demo();
        Teacher teacher = Teacher.imagenetResNet18();
        Path modelFile = work.resolve("model.stfpm");
        try (StfpmModel model = new StfpmTrainer(config).train(teacher.pyramid(config), category.trainImages(),
                teacher.provenance(data), epoch -> System.out.printf("epoch %d: loss %.4f, validation loss %.4f%n",
                        epoch.epoch(), epoch.trainLoss(), epoch.validationLoss()))) {
            model.save(modelFile);
        }

        // 3. Load the model and score images: files, a batch of files, an image already in memory.
        List<TestImage> tests = category.testImages();
        try (StfpmModel model = StfpmModel.load(modelFile)) {
            Prediction one = model.predict(tests.get(0).image());
            System.out.printf("%s: score %.3f, map %dx%d%n", one.image(), one.score(), one.size(), one.size());

            List<Prediction> batch = model.predict(tests.stream().map(TestImage::image).toList());
            for (int i = 0; i < batch.size(); i++) {
                System.out.printf("%-10s %s  score %.3f%n", tests.get(i).defect(), tests.get(i).name(),
                        batch.get(i).score());
            }

            BufferedImage frame = ImageIO.read(tests.get(tests.size() - 1).image().toFile());
            Prediction inMemory = model.predict(frame);
            float[] map = inMemory.map();   // Eq. 4, row-major, size × size
            System.out.printf("in-memory image: score %.3f, map[0] %.4f%n", inMemory.score(), map[0]);
        }
    }
}
