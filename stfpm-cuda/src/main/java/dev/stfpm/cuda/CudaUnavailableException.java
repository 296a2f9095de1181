package dev.stfpm.cuda;

/**
 * The CUDA backend cannot run here: no driver, no device, a driver too old for the kernels, or a
 * build without them. The message is one line that says which, for a console or a log.
 */
public final class CudaUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param reason what is missing, one line */
    public CudaUnavailableException(String reason) {
        super("CUDA backend unavailable: " + reason);
    }
}
