package dev.stfpm.nn.onnx;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An ONNX file that cannot be imported as the teacher: not an ONNX model, or not a torchvision
 * ResNet-18 trunk. The message names the file and, for structural problems, the offending node
 * (name and op type) with the expected and the found shape or attribute.
 */
public class OnnxImportException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param file    the ONNX file
     * @param message what is wrong with it; prefixed with the file
     */
    public OnnxImportException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    /** @return the file that was being imported */
    public Path file() {
        return file;
    }
}
