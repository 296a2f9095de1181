package dev.stfpm.nn;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stfpm.core.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzz test of the model file loader (Jazzer): the fuzzed bytes are written to a
 * file and loaded with {@link StfpmModel#load}. The build runs it in regression mode on the
 * committed inputs under {@code src/test/resources/dev/stfpm/nn/StfpmModelLoadFuzzTestInputs/load/}
 * (small zips with a {@code model.json} and tiny {@code .npy} entries: a real model is ~22 MB);
 * {@code JAZZER_FUZZ=1} fuzzes it (see docs/RELIABILITY.md, "Fuzzing"). Any exception other than
 * {@link BadInputException} is a finding.
 */
class StfpmModelLoadFuzzTest {

    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("stfpm-fuzz", ".stfpm");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void load(byte[] data) throws IOException {
        Files.write(FILE, data);
        try (StfpmModel model = StfpmModel.load(FILE)) {
            // a valid model file: nothing to check here
        } catch (BadInputException expected) {
            // malformed input, refused as it should be
        }
    }
}
