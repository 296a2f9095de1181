package dev.stfpm.core.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stfpm.core.BadInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzz tests of the {@code .npy} and {@code .npz} readers (Jazzer). The build runs
 * them in regression mode: each committed input under {@code
 * src/test/resources/dev/stfpm/core/io/NpyFuzzTestInputs/<method>/} once. {@code JAZZER_FUZZ=1}
 * fuzzes one of them (see docs/RELIABILITY.md, "Fuzzing"). Any exception other than {@link
 * BadInputException} is a finding.
 */
class NpyFuzzTest {

    private static final Path NPZ = tempFile(".npz");

    @FuzzTest(maxDuration = "2m")
    void npy(byte[] data) throws IOException {
        try {
            NpyArray a = Npy.read(new ByteArrayInputStream(data), "fuzz.npy");
            long n = 1;
            for (int d : a.shape()) {
                n *= d;
            }
            if (n != a.data().length) {
                throw new AssertionError("shape " + a + " does not match " + a.data().length + " values");
            }
        } catch (BadInputException expected) {
            // malformed input, refused as it should be
        }
    }

    @FuzzTest(maxDuration = "2m")
    void npz(byte[] data) throws IOException {
        Files.write(NPZ, data);
        try {
            Npy.readNpz(NPZ);
        } catch (BadInputException expected) {
            // malformed input, refused as it should be
        }
    }

    static Path tempFile(String suffix) {
        try {
            Path p = Files.createTempFile("stfpm-fuzz", suffix);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
