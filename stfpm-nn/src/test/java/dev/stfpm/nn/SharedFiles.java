package dev.stfpm.nn;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of ../shared (data set, teacher weights) for tests that need them; skips when absent. */
public final class SharedFiles {

    private SharedFiles() {
    }

    /** @return the shared folder: system property {@code stfpm.shared}, default {@code ../shared} */
    public static Path root() {
        return Path.of(System.getProperty("stfpm.shared", "../shared"));
    }

    /**
     * @param relative a path inside the shared folder
     * @return it, if it exists; otherwise the calling test is skipped with a message saying so
     */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), "skipped: " + p.toAbsolutePath() + " is absent (real-data tests read ../shared;"
                + " set -Dstfpm.shared=<folder> to point elsewhere)");
        return p;
    }
}
