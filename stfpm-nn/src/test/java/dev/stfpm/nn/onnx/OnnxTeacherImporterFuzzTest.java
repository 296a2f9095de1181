package dev.stfpm.nn.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stfpm.core.BadInputException;

/**
 * Coverage-guided fuzz test of the ONNX teacher importer (Jazzer). The build runs it in regression
 * mode on the committed inputs under {@code
 * src/test/resources/dev/stfpm/nn/onnx/OnnxTeacherImporterFuzzTestInputs/onnx/} (small models
 * built by {@link OnnxTestModels}: conv1 only, in each of the writer's variants); {@code
 * JAZZER_FUZZ=1} fuzzes it (see docs/RELIABILITY.md, "Fuzzing"). Any exception other than {@link
 * BadInputException} ({@link OnnxImportException}) is a finding.
 */
class OnnxTeacherImporterFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void onnx(byte[] data) {
        try {
            OnnxTeacherImporter.read(data, "fuzz.onnx");
        } catch (BadInputException expected) {
            // malformed input, refused as it should be
        }
    }
}
