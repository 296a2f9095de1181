package dev.stfpm.serve;

import java.util.Map;

/**
 * A request answered with an HTTP error status and a one-line message ({@code {"error": message}}),
 * with the headers that status calls for: {@code Allow} for 405; for 413 and 503, answered without
 * reading the body, {@code Connection: close} (the JDK server drains at most 64 KiB of an unread body
 * before closing) and, for 503, {@code Retry-After: 1}.
 */
final class HttpError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final Map<String, String> headers;

    private HttpError(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = headers;
    }

    /**
     * @param status  the HTTP status
     * @param message what is wrong, for the client
     */
    HttpError(int status, String message) {
        this(status, message, Map.of());
    }

    /** @return 400 with a message */
    static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    /** @return 405 naming the method that is allowed */
    static HttpError methodNotAllowed(String method, String path, String allowed) {
        return new HttpError(405, method + " " + path + " is not supported: use " + allowed, Map.of("Allow", allowed));
    }

    /** @return 413 naming the limit */
    static HttpError tooLarge(String size, long limit) {
        return new HttpError(413, "request body of " + size + " is over the limit of " + limit + " bytes",
                Map.of("Connection", "close"));
    }

    /** @return 503 asking the client to retry in a second */
    static HttpError unavailable(String message) {
        return new HttpError(503, message, Map.of("Retry-After", "1", "Connection", "close"));
    }

    /** @return the HTTP status */
    int status() {
        return status;
    }

    /** @return the response headers this error adds */
    Map<String, String> headers() {
        return headers;
    }
}
