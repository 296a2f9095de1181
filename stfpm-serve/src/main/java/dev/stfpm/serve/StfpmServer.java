package dev.stfpm.serve;

import com.sun.net.httpserver.HttpServer;
import dev.stfpm.nn.AnomalyDetector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link AnomalyDetector} over HTTP: JSON predictions for uploaded images, the model's
 * description, a health check and a page to try it in a browser ({@link Routes} lists the endpoints).
 * It sees the model only through {@link AnomalyDetector}, so any engine can be served.
 *
 * <p>The server is the JDK's own {@code com.sun.net.httpserver.HttpServer} (module {@code
 * jdk.httpserver}): four endpoints with JSON in and out, and no TLS (a reverse proxy's job), need no
 * web framework, and the JDK's server adds no dependency, where Javalin 7, for instance, would bring
 * Jetty 12 and the Kotlin standard library to the command line and to every application embedding
 * the service.
 *
 * <p>Requests run on {@link ServeOptions#workers()} threads fed by a queue of {@link
 * ServeOptions#queueCapacity()}; when both are full a request for a prediction is answered 503 with
 * {@code Retry-After: 1} at once, on the thread that accepted it (the other endpoints, cheap, are
 * answered there too), so nothing waits unboundedly or is dropped silently. {@link #close()} stops
 * gracefully.
 */
public final class StfpmServer implements AutoCloseable {

    /** How long {@link #close()} waits for the requests in flight. */
    public static final Duration GRACE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(StfpmServer.class);

    /** Set while a request runs on the accepting thread because no worker could take it: why not. */
    private static final ThreadLocal<String> REFUSAL = new ThreadLocal<>();

    private final HttpServer http;
    private final ThreadPoolExecutor workers;
    private final String uri;
    private final int port;

    private StfpmServer(HttpServer http, ThreadPoolExecutor workers, String host) {
        this.http = http;
        this.workers = workers;
        this.port = http.getAddress().getPort();
        this.uri = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/";
    }

    /**
     * Starts serving.
     *
     * @param detector the model; the server does not close it
     * @param options  where to listen and the limits
     * @return the running server
     * @throws IOException if the address cannot be listened on (the message names it)
     */
    public static StfpmServer start(AnomalyDetector detector, ServeOptions options) throws IOException {
        Routes routes = new Routes(detector, options);
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + options.host() + ":" + options.port() + " (" + e.getMessage() + ")", e);
        }
        ThreadPoolExecutor workers = new ThreadPoolExecutor(options.workers(), options.workers(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(options.queueCapacity()), threads(), StfpmServer::refuse);
        http.createContext("/", routes);
        http.setExecutor(workers);
        http.start();
        StfpmServer server = new StfpmServer(http, workers, options.host());
        LOG.info("serving {} on {} with {} workers, a queue of {} and requests up to {} bytes",
                detector.getClass().getSimpleName(), server.uri(), options.workers(), options.queueCapacity(),
                options.maxRequestBytes());
        return server;
    }

    /** Runs a request no worker could take on the accepting thread, marked so that {@link Routes} answers 503. */
    private static void refuse(Runnable request, ThreadPoolExecutor pool) {
        int queue = pool.getQueue().size() + pool.getQueue().remainingCapacity();
        REFUSAL.set(pool.isShutdown() ? "the server is stopping"
                : "busy: all " + pool.getMaximumPoolSize() + " workers and " + queue + " places in the queue are taken; retry");
        try {
            request.run();
        } finally {
            REFUSAL.remove();
        }
    }

    /** @return why the current request is refused, or {@code null} if a worker runs it */
    static String refusal() {
        return REFUSAL.get();
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "stfpm-serve-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** @return the port listened on (the one chosen when the options asked for 0) */
    public int port() {
        return port;
    }

    /** @return the address of the page, {@code http://host:port/} */
    public String uri() {
        return uri;
    }

    /**
     * Stops gracefully: stops accepting connections, lets the requests running or queued finish (for
     * up to {@link #GRACE}; later ones are answered 503), then returns. Does not close the model.
     * Closing twice does nothing.
     */
    @Override
    public void close() {
        if (workers.isShutdown()) {
            return;
        }
        // The JDK's stop(delay) closes the listening socket at once, then waits for the exchanges in
        // flight, but on Java 17 it waits the whole delay when there are none: it runs on its own
        // thread, and this one waits for the workers instead.
        Thread stop = new Thread(() -> http.stop((int) GRACE.toSeconds()), "stfpm-serve-stop");
        stop.setDaemon(true);
        stop.start();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} requests still running after {} s: abandoned", workers.getActiveCount(), GRACE.toSeconds());
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("stopped serving on {}", uri);
    }
}
