package dev.stfpm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the teacher's ONNX file: the {@code --teacher} option, else the {@code STFPM_TEACHER}
 * environment variable, else {@code weights/resnet18-imagenet.onnx} in the working folder or in
 * the installation ({@code stfpm.home}, set by {@code bin/stfpm}).
 */
final class TeacherLocator {

    static final String ENV = "STFPM_TEACHER";
    static final String DEFAULT = "weights/resnet18-imagenet.onnx";

    private TeacherLocator() {
    }

    /**
     * @param option the {@code --teacher} value, or null
     * @param env    the environment
     * @return the teacher file
     * @throws IOException naming where it looked and how to get a teacher, if none exists
     */
    static Path locate(Path option, Map<String, String> env) throws IOException {
        if (option != null) {
            return requireFile(option, "--teacher");
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return requireFile(Path.of(fromEnv), ENV);
        }
        Path local = Path.of(DEFAULT);
        if (Files.isRegularFile(local)) {
            return local;
        }
        String home = System.getProperty("stfpm.home");
        if (home != null && Files.isRegularFile(Path.of(home, DEFAULT))) {
            return Path.of(home, DEFAULT);
        }
        throw new IOException("no teacher weights: pass --teacher <file.onnx>, set " + ENV
                + ", or put an ImageNet ResNet-18 export at " + DEFAULT
                + ". weights/README.md shows how to export one from torchvision in four lines of Python.");
    }

    private static Path requireFile(Path p, String origin) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException(p + ": teacher file given by " + origin + " does not exist");
        }
        return p;
    }
}
