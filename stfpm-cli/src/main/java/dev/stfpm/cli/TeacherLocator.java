package dev.stfpm.cli;

import dev.stfpm.nn.onnx.Teacher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the teacher: the {@code --teacher} option, else the {@code STFPM_TEACHER} environment
 * variable, else the ImageNet ResNet-18 that ships with stfpm-java ({@link Teacher#imagenetResNet18()}).
 */
final class TeacherLocator {

    static final String ENV = "STFPM_TEACHER";

    private TeacherLocator() {
    }

    /**
     * @param option the {@code --teacher} value, or null
     * @param env    the environment
     * @return the teacher
     * @throws IOException if a named file is missing or not a ResNet-18 export (the message says which)
     */
    static Teacher locate(Path option, Map<String, String> env) throws IOException {
        if (option != null) {
            return Teacher.fromOnnx(requireFile(option, "--teacher"));
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Teacher.fromOnnx(requireFile(Path.of(fromEnv), ENV));
        }
        return Teacher.imagenetResNet18();
    }

    /**
     * @param option the {@code --teacher} value, or null
     * @param env    the environment
     * @return the teacher file that {@link #locate} reads, if it reads one (not the shipped teacher)
     */
    static Optional<Path> file(Path option, Map<String, String> env) {
        if (option != null) {
            return Optional.of(option);
        }
        String fromEnv = env.get(ENV);
        return fromEnv != null && !fromEnv.isBlank() ? Optional.of(Path.of(fromEnv)) : Optional.empty();
    }

    private static Path requireFile(Path p, String origin) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException(p + ": teacher file given by " + origin + " does not exist");
        }
        return p;
    }
}
