package dev.stfpm.serve;

/**
 * How {@link StfpmServer} listens and how much work it takes on.
 *
 * @param host            the address to listen on ({@value #DEFAULT_HOST}: this machine only; {@code 0.0.0.0}: every interface)
 * @param port            the TCP port, 0 for any free one ({@link StfpmServer#port()} says which)
 * @param workers         threads that read, decode and score requests; the model runs one image at a time
 *                        (its calls serialise), so more than one worker overlaps uploads, decoding and
 *                        encoding with inference
 * @param queueCapacity   requests that may wait for a worker; beyond them a request is answered 503 at once
 * @param maxRequestBytes the largest request body read; larger ones are answered 413
 */
public record ServeOptions(String host, int port, int workers, int queueCapacity, long maxRequestBytes) {

    /** The default address: the loopback interface only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default port. */
    public static final int DEFAULT_PORT = 8080;
    /** The default limit on a request body: 50 MiB. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 50L << 20;
    /** The largest limit on a request body (a body is held in one byte array): just under 2 GiB. */
    public static final long MAX_REQUEST_BYTES = Integer.MAX_VALUE - 8;

    /** Checks every value. */
    public ServeOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 (any free port) to 65535: " + port);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1: " + workers);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1: " + queueCapacity);
        }
        if (maxRequestBytes < 1 || maxRequestBytes > MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException("maximum request size must be 1 byte to " + MAX_REQUEST_BYTES
                    + " bytes (2 GiB): " + maxRequestBytes);
        }
    }

    /**
     * @return {@value #DEFAULT_HOST}:{@value #DEFAULT_PORT}, one worker per core, a queue of twice the
     *         workers, requests up to 50 MiB
     */
    public static ServeOptions defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServeOptions(DEFAULT_HOST, DEFAULT_PORT, cores, 2 * cores, DEFAULT_MAX_REQUEST_BYTES);
    }

    /**
     * @param address the address to listen on
     * @return these options listening there
     */
    public ServeOptions withHost(String address) {
        return new ServeOptions(address, port, workers, queueCapacity, maxRequestBytes);
    }

    /**
     * @param number the port, 0 for any free one
     * @return these options on that port
     */
    public ServeOptions withPort(int number) {
        return new ServeOptions(host, number, workers, queueCapacity, maxRequestBytes);
    }

    /**
     * @param threads the number of workers
     * @return these options with that many workers and a queue of twice as many requests
     */
    public ServeOptions withWorkers(int threads) {
        return new ServeOptions(host, port, threads, 2 * threads, maxRequestBytes);
    }

    /**
     * @param requests how many requests may wait for a worker
     * @return these options with that queue
     */
    public ServeOptions withQueueCapacity(int requests) {
        return new ServeOptions(host, port, workers, requests, maxRequestBytes);
    }

    /**
     * @param bytes the largest request body
     * @return these options with that limit
     */
    public ServeOptions withMaxRequestBytes(long bytes) {
        return new ServeOptions(host, port, workers, queueCapacity, bytes);
    }
}
