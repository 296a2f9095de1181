package dev.stfpm.core.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of {@code ../shared} (the MVTec AD data set, evaluation vectors) for tests that need them.
 * Without {@code ../shared} the calling test is skipped, and the reason is printed on the console
 * (not only in surefire's XML); with {@code ../shared} present but the file missing, it fails.
 * Shared by the modules' tests through stfpm-core's test jar.
 */
public final class SharedFiles {

    private SharedFiles() {
    }

    /** @return the shared folder: system property {@code stfpm.shared}, default {@code ../shared} */
    public static Path root() {
        return Path.of(System.getProperty("stfpm.shared", "../shared"));
    }

    /**
     * @param relative a path inside the shared folder
     * @return it, if it exists
     */
    public static Path require(String relative) {
        Path root = root();
        Path p = root.resolve(relative);
        if (!Files.isDirectory(root)) {
            String caller = StackWalker.getInstance().walk(s -> s.skip(1).findFirst()
                    .map(f -> f.getClassName().replaceAll(".*\\.", "") + "." + f.getMethodName()).orElse("?"));
            String reason = "skipped " + caller + ": " + root.toAbsolutePath().normalize() + " is absent (real-data"
                    + " tests read ../shared; set -Dstfpm.shared=<folder> to point elsewhere)";
            System.out.println("[stfpm] " + reason);
            assumeTrue(false, reason);
        }
        assertTrue(Files.exists(p), p.toAbsolutePath().normalize() + " is missing, though the shared folder "
                + root.toAbsolutePath().normalize() + " exists");
        return p;
    }
}
