package dev.stfpm.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.stfpm.core.BadInputException;
import dev.stfpm.nn.AnomalyDetector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's endpoints, one handler for every path: {@code GET /} (the page), {@code GET
 * /health}, {@code GET /v1/model}, {@code POST /v1/predict}. Every answer but the page is JSON; every
 * error is {@code {"error": "<one line>"}}: 400 bad request or undecodable image (the message the
 * command line prints for that file), 404 unknown path, 405 wrong method, 413 body over the limit,
 * 503 busy or stopping, 500 an input/output failure or a bug (logged with its stack trace). Each
 * request is logged at DEBUG.
 */
final class Routes implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
    private static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final String ENDPOINTS = "GET /, GET /health, GET /v1/model, POST /v1/predict";

    private final ObjectMapper json = new ObjectMapper();
    private final PredictEndpoint predict;
    private final byte[] model;
    private final byte[] health;
    private final byte[] page;

    /**
     * @param detector the model
     * @param options  the limits
     */
    Routes(AnomalyDetector detector, ServeOptions options) {
        this.predict = new PredictEndpoint(detector, options.maxRequestBytes());
        try {
            this.model = json.writeValueAsBytes(ModelInfo.of(detector, json));
            this.health = json.writeValueAsBytes(json.createObjectNode().put("status", "ready"));
            try (InputStream in = Routes.class.getResourceAsStream("index.html")) {
                if (in == null) {
                    throw new IllegalStateException("index.html is missing from stfpm-serve's jar");
                }
                this.page = in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        int status;
        try (exchange) {
            status = respond(exchange);
        }
        LOG.debug("{} {} {} {} in {} ms", exchange.getRemoteAddress(), exchange.getRequestMethod(),
                exchange.getRequestURI(), status, (System.nanoTime() - start) / 1_000_000);
    }

    /** Answers the request; returns the status sent, or -1 if no answer could be sent. */
    private int respond(HttpExchange exchange) {
        try {
            return route(exchange);
        } catch (HttpError e) {
            e.headers().forEach(exchange.getResponseHeaders()::set);
            return error(exchange, e.status(), e.getMessage());
        } catch (BadInputException e) {
            return error(exchange, 400, e.getMessage());
        } catch (IOException e) {
            // Mostly a client that went away mid-request (then the answer cannot be sent either).
            LOG.debug("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
            return error(exchange, 500, "input/output error: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            return error(exchange, 500, "internal error: " + e);
        }
    }

    private int route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        switch (path) {
            case "/" -> {
                allow(method, path, "GET");
                return send(exchange, 200, "text/html; charset=utf-8", page);
            }
            case "/health" -> {
                allow(method, path, "GET");
                return send(exchange, 200, JSON_TYPE, health);
            }
            case "/v1/model" -> {
                allow(method, path, "GET");
                return send(exchange, 200, JSON_TYPE, model);
            }
            case "/v1/predict" -> {
                allow(method, path, "POST");
                String refusal = StfpmServer.refusal();
                if (refusal != null) {
                    throw HttpError.unavailable(refusal);
                }
                ObjectNode answer = predict.handle(exchange);
                return send(exchange, 200, JSON_TYPE, json.writeValueAsBytes(answer));
            }
            default -> throw new HttpError(404, "no such endpoint: " + path + " (" + ENDPOINTS + ")");
        }
    }

    private static void allow(String method, String path, String allowed) {
        if (!allowed.equals(method)) {
            throw HttpError.methodNotAllowed(method, path, allowed);
        }
    }

    private int error(HttpExchange exchange, int status, String message) {
        try {
            return send(exchange, status, JSON_TYPE, json.writeValueAsBytes(json.createObjectNode().put("error", message)));
        } catch (IOException e) {
            LOG.debug("{} {}: cannot send {} ({})", exchange.getRequestMethod(), exchange.getRequestURI(), status, e.toString());
            return -1;
        }
    }

    private static int send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        return status;
    }
}
