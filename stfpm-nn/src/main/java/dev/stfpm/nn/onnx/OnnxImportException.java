package dev.stfpm.nn.onnx;

import dev.stfpm.core.BadInputException;

/**
 * An ONNX model that cannot be imported as the teacher: not an ONNX model, or not a torchvision
 * ResNet-18 trunk. The message names the file (or resource) and, for structural problems, the
 * offending node (name and op type) with the expected and the found shape or attribute.
 */
public class OnnxImportException extends BadInputException {

    private static final long serialVersionUID = 1L;

    /**
     * @param source  the ONNX file or resource
     * @param message what is wrong with it
     */
    public OnnxImportException(String source, String message) {
        super(source, message);
    }
}
