package dev.stfpm.core;

import java.io.IOException;

/**
 * An input file that cannot be used as it is: missing, unreadable, malformed or out of range. The
 * message names the file and the problem, so a command line prints it as the one line a user needs
 * (exit code 2). Readers of untrusted files (images, masks, {@code .npy}, ONNX, model files) throw
 * this for bad content; any other exception from them is a bug.
 */
public class BadInputException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file (or resource) at fault, as the user named it. */
    private final String source;
    /** What is wrong with it. */
    private final String problem;

    /**
     * @param source  the file or resource at fault
     * @param problem what is wrong with it (the message is {@code source + ": " + problem})
     */
    public BadInputException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
        this.problem = problem;
    }

    /**
     * @param source  the file or resource at fault
     * @param problem what is wrong with it
     * @param cause   the low-level failure, kept for debugging
     */
    public BadInputException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
        this.problem = problem;
    }

    /** @return the file or resource at fault */
    public String source() {
        return source;
    }

    /** @return what is wrong with it */
    public String problem() {
        return problem;
    }
}
