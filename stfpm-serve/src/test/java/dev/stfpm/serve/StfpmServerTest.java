package dev.stfpm.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.NpyArray;
import dev.stfpm.nn.Prediction;
import dev.stfpm.nn.StfpmModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The endpoints of {@link StfpmServer}, served from a tiny untrained model with and without thresholds. */
class StfpmServerTest {

    private static final byte[] IMAGE = TestImages.png(1);
    private static final int SMALL_LIMIT = 1000;

    private static StfpmModel model;
    private static Prediction expected;
    private static StfpmServer plain;
    private static StfpmServer calibrated;
    private static StfpmServer limited;

    @BeforeAll
    static void start() throws IOException {
        model = TinyModel.untrained();
        expected = model.predict(TestImages.decode(IMAGE));
        // The threshold just below this image's score: it is anomalous.
        AnomalyCalibration thresholds = new AnomalyCalibration(expected.score() * 0.99, expected.score() * 0.9, 0,
                expected.score() * 2, "test");
        ServeOptions options = ServeOptions.defaults().withPort(0).withWorkers(2);
        plain = StfpmServer.start(model, options);
        calibrated = StfpmServer.start(model.withCalibration(thresholds), options);
        limited = StfpmServer.start(model, options.withMaxRequestBytes(SMALL_LIMIT));
    }

    @AfterAll
    static void stop() {
        plain.close();
        calibrated.close();
        limited.close();
        model.close();
    }

    @Test
    void predictsAnImageAsTheModelDoes() {
        HttpResponse<String> response = Http.send(Http.post(plain, "/v1/predict", IMAGE, "image/png"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode json = Http.json(response);
        assertThat(json.get("score").asDouble()).isCloseTo(expected.score(), within(1e-5));
        assertThat(json.get("map").get("size").asInt()).isEqualTo(64);
        assertThat(json.get("map").get("max").asDouble()).isCloseTo(expected.score(), within(1e-5));
        assertThat(json.get("map").get("min").asDouble()).isLessThanOrEqualTo(json.get("map").get("max").asDouble());
        assertThat(json.has("anomalous")).as("no thresholds, no decision").isFalse();
        assertThat(json.has("overlay_png") || json.has("map_npy")).isFalse();
    }

    @Test
    void anyContentTypeIsAnImage() {
        JsonNode json = Http.json(Http.send(Http.post(plain, "/v1/predict", IMAGE, "application/octet-stream")));
        assertThat(json.get("score").asDouble()).isCloseTo(expected.score(), within(1e-5));
    }

    @Test
    void thresholdsAddTheDecision() {
        JsonNode json = Http.json(Http.send(Http.post(calibrated, "/v1/predict", IMAGE, "image/png")));
        assertThat(json.get("anomalous").asBoolean()).isTrue();
        assertThat(json.get("threshold").asDouble()).isCloseTo(expected.score() * 0.99, within(1e-6));
        assertThat(json.get("normalised_score").asDouble()).isGreaterThan(0.5);
    }

    @Test
    void npyMapIsTheModelsMap() throws IOException {
        JsonNode json = Http.json(Http.send(Http.post(plain, "/v1/predict?map=npy", IMAGE, "image/png")));
        byte[] npy = Base64.getDecoder().decode(json.get("map_npy").asText());
        NpyArray map = Npy.read(new ByteArrayInputStream(npy), "map_npy");
        assertThat(map.shape()).containsExactly(64, 64);
        for (int i = 0; i < expected.map().length; i++) {
            assertThat(map.data()[i]).as("pixel %d", i).isCloseTo(expected.map()[i], within(1e-5f));
        }
    }

    @Test
    void overlayIsAPngOfTheMapsSize() throws IOException {
        JsonNode json = Http.json(Http.send(Http.post(calibrated, "/v1/predict?map=png,npy", IMAGE, "image/png")));
        BufferedImage overlay = TestImages.decode(Base64.getDecoder().decode(json.get("overlay_png").asText()));
        assertThat(overlay.getWidth()).isEqualTo(64);
        assertThat(overlay.getHeight()).isEqualTo(64);
        assertThat(json.has("map_npy")).isTrue();
    }

    @Test
    void multipartGivesOneResultPerFile() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("first.png", IMAGE);
        files.put("second.png", TestImages.png(2));
        Map.Entry<String, byte[]> body = Http.multipart(files);
        HttpResponse<String> response = Http.send(Http.post(plain, "/v1/predict", body.getValue(), body.getKey()));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode results = Http.json(response).get("results");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).get("name").asText()).isEqualTo("first.png");
        assertThat(results.get(0).get("score").asDouble()).isCloseTo(expected.score(), within(1e-5));
        assertThat(results.get(1).get("name").asText()).isEqualTo("second.png");
        float second = model.predict(TestImages.decode(TestImages.png(2))).score();
        assertThat(results.get(1).get("score").asDouble()).isCloseTo(second, within(1e-5));
    }

    @Test
    void undecodableBodyIs400WithTheReadersMessage() {
        HttpResponse<String> response = Http.send(Http.post(plain, "/v1/predict",
                "this is not an image".getBytes(StandardCharsets.UTF_8), "image/png"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response).get("error").asText())
                .isEqualTo("upload: not an image format ImageIO can read (image; it reads PNG, JPEG, BMP, TIFF, GIF)");
    }

    @Test
    void badFileInAMultipartBodyIsNamed() {
        Map.Entry<String, byte[]> body = Http.multipart(Map.of("broken.png", new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
        HttpResponse<String> response = Http.send(Http.post(plain, "/v1/predict", body.getValue(), body.getKey()));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response).get("error").asText()).startsWith("broken.png: ");
    }

    @Test
    void unknownMapFormatIs400() {
        HttpResponse<String> response = Http.send(Http.post(plain, "/v1/predict?map=jpg", IMAGE, "image/png"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response).get("error").asText()).isEqualTo("map must be png, npy or png,npy: jpg");
    }

    @Test
    void bodyOverTheLimitIs413() {
        assertThat(IMAGE.length).isGreaterThan(SMALL_LIMIT);
        HttpResponse<String> response = Http.send(Http.post(limited, "/v1/predict", IMAGE, "image/png"));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(Http.json(response).get("error").asText())
                .isEqualTo("request body of " + IMAGE.length + " bytes is over the limit of 1000 bytes");
    }

    @Test
    void wrongMethodIs405AndUnknownPathIs404() {
        HttpResponse<String> get = Http.get(plain, "/v1/predict");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(Http.json(get).get("error").asText()).isEqualTo("GET /v1/predict is not supported: use POST");
        HttpResponse<String> nope = Http.get(plain, "/nope");
        assertThat(nope.statusCode()).isEqualTo(404);
        assertThat(Http.json(nope).get("error").asText()).startsWith("no such endpoint: /nope");
    }

    @Test
    void healthSaysReady() {
        HttpResponse<String> response = Http.get(plain, "/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response).get("status").asText()).isEqualTo("ready");
    }

    @Test
    void modelDescribesTheModel() {
        JsonNode json = Http.json(Http.get(plain, "/v1/model"));
        assertThat(json.get("engine").asText()).isEqualTo("StfpmModel");
        assertThat(json.get("image_size").asInt()).isEqualTo(64);
        assertThat(json.get("pyramid_levels").toString()).isEqualTo("[\"layer1\",\"layer2\",\"layer3\"]");
        assertThat(json.get("calibration").isNull()).isTrue();
        assertThat(json.get("provenance").get("dataset").asText()).isEqualTo("data");
        assertThat(json.get("provenance").get("teacherSource").asText()).isEqualTo("teacher.onnx");
        JsonNode withThresholds = Http.json(Http.get(calibrated, "/v1/model")).get("calibration");
        assertThat(withThresholds.get("imageThreshold").asDouble()).isCloseTo(expected.score() * 0.99, within(1e-6));
        assertThat(withThresholds.get("fittedOn").asText()).isEqualTo("test");
    }

    @Test
    void pageIsServed() {
        HttpResponse<String> response = Http.get(plain, "/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(response.body()).contains("id=\"files\"").doesNotContain("http://", "https://");
    }
}
