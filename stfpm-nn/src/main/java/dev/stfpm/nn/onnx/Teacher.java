package dev.stfpm.nn.onnx;

import dev.stfpm.core.StfpmConfig;
import dev.stfpm.core.io.Sha256;
import dev.stfpm.nn.FeaturePyramid;
import dev.stfpm.nn.StfpmTrainer;
import dev.stfpm.nn.TeacherWeights;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * STFPM's teacher: ResNet-18 weights pre-trained on ImageNet, and where they came from.
 *
 * <p>{@link #imagenetResNet18()} loads the teacher that ships with the library, in the
 * {@code dev.stfpm:stfpm-weights} artifact: torchvision's ImageNet ResNet-18, {@code conv1} …
 * {@code layer3} with batch norm folded, as ONNX (see that artifact's NOTICE). {@link #fromOnnx}
 * reads a user's own export.
 *
 * @param weights the convolution weights, batch norm folded in
 * @param source  where they were read from (a file, or the class-path resource)
 * @param sha256  SHA-256 of the ONNX bytes, hex
 */
public record Teacher(TeacherWeights weights, String source, String sha256) {

    /** Class-path resource of the shipped teacher (in {@code dev.stfpm:stfpm-weights}). */
    public static final String RESOURCE = "dev/stfpm/weights/resnet18-imagenet.onnx";
    /** SHA-256 of the shipped teacher, the file the published bottle results were measured with. */
    public static final String IMAGENET_RESNET18_SHA256 = "edfb067d9d1eebc82744e7d483ce54395397c63b18b70a737582a7e7d6fb497b";

    /**
     * Loads the ImageNet ResNet-18 teacher shipped with the library, checking its SHA-256.
     *
     * @return the teacher
     * @throws IOException if {@code stfpm-weights} is not on the class path, or its file is damaged
     */
    public static Teacher imagenetResNet18() throws IOException {
        byte[] onnx;
        try (InputStream in = Teacher.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the shipped teacher (class-path resource " + RESOURCE + ") is missing: add the"
                        + " dependency dev.stfpm:stfpm-weights (stfpm-cpu brings it), or pass your own ONNX export");
            }
            onnx = in.readAllBytes();
        }
        String sha = Sha256.of(onnx);
        if (!sha.equals(IMAGENET_RESNET18_SHA256)) {
            throw new IOException("classpath:" + RESOURCE + " is damaged: SHA-256 " + sha + ", expected "
                    + IMAGENET_RESNET18_SHA256);
        }
        String source = "classpath:" + RESOURCE;
        return new Teacher(OnnxTeacherImporter.read(onnx, source), source, sha);
    }

    /**
     * Reads a teacher from an ONNX export of a torchvision ResNet-18 ({@link OnnxTeacherImporter}).
     *
     * @param onnxFile the export
     * @return the teacher
     * @throws IOException if the file cannot be read or is not such an export (the message says why)
     */
    public static Teacher fromOnnx(Path onnxFile) throws IOException {
        return new Teacher(OnnxTeacherImporter.read(onnxFile), onnxFile.toAbsolutePath().toString(),
                Sha256.of(onnxFile));
    }

    /**
     * @param config image size and pyramid levels
     * @return the frozen teacher network
     * @throws IllegalArgumentException naming this teacher's source if it has no weights for the deepest level
     */
    public FeaturePyramid pyramid(StfpmConfig config) {
        String deepest = config.pyramidLevels().get(config.pyramidLevels().size() - 1);
        if (!weights.convs().containsKey(deepest + ".1.conv2")) {
            throw new IllegalArgumentException(source + ": the teacher ends before " + deepest + ", which the pyramid levels "
                    + config.pyramidLevels() + " need; export torchvision's ResNet-18 up to " + deepest
                    + " (weights/README.md shows how) and give it as the teacher");
        }
        return FeaturePyramid.teacher(weights, config);
    }

    /**
     * @param dataset the training images' folder
     * @return the provenance a model trained with this teacher on that folder records
     */
    public StfpmTrainer.Provenance provenance(Path dataset) {
        return new StfpmTrainer.Provenance(dataset.toAbsolutePath().toString(), source, sha256);
    }
}
