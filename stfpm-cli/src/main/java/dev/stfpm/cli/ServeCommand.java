package dev.stfpm.cli;

import dev.stfpm.nn.AnomalyDetector;
import dev.stfpm.serve.ServeOptions;
import dev.stfpm.serve.StfpmServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stfpm serve}: a model behind HTTP, with a page to try it in a browser (see docs/DEPLOY.md). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a model over HTTP until stopped (Ctrl-C or SIGTERM: requests in flight finish first).",
            "POST /v1/predict (an image as the body, or multipart/form-data files; ?map=png adds the heat-map overlay, "
                    + "?map=npy the map) answers JSON scores; GET /v1/model describes the model, GET /health says "
                    + "ready, and GET / is a page to drop images on."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true,
            description = "model file written by 'stfpm train', or an .onnx file written by 'stfpm export' (--engine onnxruntime)")
    Path model;

    @Option(names = "--engine", description = "dl4j or onnxruntime: the same answers either way (default: "
            + Engine.DEFAULT_NAME + "; onnxruntime for an .onnx model)")
    Engine engine;

    @Option(names = "--host", description = "address to listen on: 127.0.0.1 this machine only (default), 0.0.0.0 "
            + "every interface")
    String host = ServeOptions.DEFAULT_HOST;

    @Option(names = "--port", description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port = ServeOptions.DEFAULT_PORT;

    @Option(names = "--workers", description = "threads handling requests (default: one per core); twice as many "
            + "requests may wait, more are answered 503 at once")
    Integer workers;

    @Option(names = "--max-request-size", converter = ByteSize.class, paramLabel = "SIZE",
            description = "largest request body, e.g. 50m or 1g; larger ones are answered 413 (default: 50m)")
    long maxRequestBytes = ServeOptions.DEFAULT_MAX_REQUEST_BYTES;

    @Override
    public Integer call() throws IOException {
        ServeOptions options = ServeOptions.defaults().withHost(host).withPort(port).withMaxRequestBytes(maxRequestBytes);
        if (workers != null) {
            options = options.withWorkers(workers);
        }
        AnomalyDetector m = Engine.orDefault(engine, model.toString()).open(model);
        StfpmServer server;
        try {
            server = StfpmServer.start(m, options);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            m.close();
        }, "stfpm-serve-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("serving %s on %s (Ctrl-C stops)%n", model, server.uri());
        out.flush();
        try {
            // Serves until the JVM is told to stop; the shutdown hook then closes server and model.
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
