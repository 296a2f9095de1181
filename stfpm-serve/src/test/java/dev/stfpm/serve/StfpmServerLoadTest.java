package dev.stfpm.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.StfpmConfig;
import dev.stfpm.nn.AnomalyDetector;
import dev.stfpm.nn.Prediction;
import dev.stfpm.nn.StfpmModel;
import dev.stfpm.nn.TrainingHistory;
import java.awt.image.BufferedImage;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link StfpmServer} under load: a full queue answers 503, many concurrent requests all come back, close waits. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StfpmServerLoadTest {

    private static final byte[] IMAGE = TestImages.png(1);

    @Test
    void fullQueueAnswers503AtOnceAndTheOthersComplete() throws Exception {
        BlockingDetector detector = new BlockingDetector();
        try (StfpmServer server = StfpmServer.start(detector, ServeOptions.defaults().withPort(0).withWorkers(1)
                .withQueueCapacity(1))) {
            CompletableFuture<HttpResponse<String>> running = send(server);
            assertThat(detector.entered.await(30, TimeUnit.SECONDS)).as("first request reached the model").isTrue();
            CompletableFuture<HttpResponse<String>> queued = send(server);
            Thread.sleep(500); // the second request reaches the queue
            long start = System.nanoTime();
            HttpResponse<String> refused = Http.send(Http.post(server, "/v1/predict", IMAGE, "image/png"));
            assertThat((System.nanoTime() - start) / 1e9).as("seconds to refuse").isLessThan(5);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.headers().firstValue("Connection")).as("body left unread").hasValue("close");
            assertThat(Http.json(refused).get("error").asText())
                    .isEqualTo("busy: all 1 workers and 1 places in the queue are taken; retry");
            assertThat(Http.get(server, "/health").statusCode()).as("cheap endpoints still answer").isEqualTo(200);
            assertThat(queued).isNotDone();
            detector.release.countDown();
            assertThat(running.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(queued.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(detector.calls).isEqualTo(2);
        }
    }

    @Test
    void hundredConcurrentRequestsAllComeBackRight() throws Exception {
        try (StfpmModel model = TinyModel.untrained()) {
            List<byte[]> images = new ArrayList<>();
            List<Float> scores = new ArrayList<>();
            for (int seed = 1; seed <= 4; seed++) {
                images.add(TestImages.png(seed));
                scores.add(model.predict(TestImages.decode(images.get(seed - 1))).score());
            }
            ExecutorService clients = Executors.newFixedThreadPool(16);
            try (StfpmServer server = StfpmServer.start(model, ServeOptions.defaults().withPort(0).withWorkers(4)
                    .withQueueCapacity(128))) {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    byte[] image = images.get(i % images.size());
                    answers.add(clients.submit(() -> Http.send(Http.post(server, "/v1/predict", image, "image/png"))));
                }
                for (int i = 0; i < answers.size(); i++) {
                    HttpResponse<String> response = answers.get(i).get(60, TimeUnit.SECONDS);
                    assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
                    assertThat(Http.json(response).get("score").asDouble()).as("request %d", i)
                            .isCloseTo(scores.get(i % images.size()), within(1e-5));
                }
            } finally {
                clients.shutdownNow();
            }
        }
    }

    @Test
    void closeFinishesTheRequestInFlightAndStopsAccepting() throws Exception {
        BlockingDetector detector = new BlockingDetector();
        StfpmServer server = StfpmServer.start(detector, ServeOptions.defaults().withPort(0).withWorkers(1));
        CompletableFuture<HttpResponse<String>> inFlight = send(server);
        assertThat(detector.entered.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        Thread.sleep(500);
        assertThat(closing).as("close waits for the request").isNotDone();
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(URI.create(server.uri() + "health")).build(),
                HttpResponse.BodyHandlers.ofString())).as("no new connections").isInstanceOf(ConnectException.class);
        detector.release.countDown();
        assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        closing.get(30, TimeUnit.SECONDS);
    }

    private static CompletableFuture<HttpResponse<String>> send(StfpmServer server) {
        return Http.CLIENT.sendAsync(Http.post(server, "/v1/predict", IMAGE, "image/png"),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A detector whose predictions wait until released, counting them. */
    private static final class BlockingDetector implements AnomalyDetector {

        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile int calls;

        @Override
        public StfpmConfig config() {
            return TinyModel.CONFIG;
        }

        @Override
        public TrainingHistory history() {
            return TinyModel.HISTORY;
        }

        @Override
        public Optional<AnomalyCalibration> calibration() {
            return Optional.empty();
        }

        @Override
        public List<Prediction> predictPreprocessed(List<float[]> images, List<Path> sources) {
            throw new UnsupportedOperationException("this detector answers decoded images only");
        }

        @Override
        public synchronized Prediction predict(BufferedImage image) {
            calls++;
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return new Prediction(null, 1f, new float[64 * 64], 64, null);
        }

        @Override
        public void close() {
        }
    }
}
