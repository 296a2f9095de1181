package dev.stfpm.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.stfpm.core.AnomalyCalibration;
import dev.stfpm.core.image.ImagePreprocessor;
import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.NpyArray;
import dev.stfpm.nn.AnomalyDetector;
import dev.stfpm.nn.Prediction;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /v1/predict}: one image as the body (any content type), or {@code multipart/form-data}
 * with up to {@value #MAX_FILES} file parts; {@code ?map=png} adds the heat-map overlay, {@code
 * ?map=npy} the map as a float32 {@code .npy} (both base64; {@code ?map=png,npy} gives both).
 */
final class PredictEndpoint {

    /** The most files one multipart request may hold. */
    static final int MAX_FILES = 64;

    /** Extra renderings of the map a request may ask for. */
    private enum MapFormat { PNG, NPY }

    private final AnomalyDetector detector;
    private final long maxRequestBytes;
    private final int decodeLimit;

    /**
     * @param detector        the model
     * @param maxRequestBytes the largest body read
     */
    PredictEndpoint(AnomalyDetector detector, long maxRequestBytes) {
        this.detector = detector;
        this.maxRequestBytes = maxRequestBytes;
        this.decodeLimit = new ImagePreprocessor(detector.config().imageSize()).decodeLimit();
    }

    /**
     * @param exchange the request
     * @return the JSON answer
     * @throws dev.stfpm.core.BadInputException (400) if an image cannot be decoded
     * @throws HttpError                        for other bad requests (400, 413)
     * @throws IOException                      if the body cannot be read
     */
    ObjectNode handle(HttpExchange exchange) throws IOException {
        Set<MapFormat> formats = formats(exchange.getRequestURI().getRawQuery());
        byte[] body = body(exchange);
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (!Multipart.is(type)) {
            describe(out, body, "upload", formats);
            return out;
        }
        List<Multipart.Part> files = Multipart.parse(type, body).stream().filter(Multipart.Part::isFile).toList();
        if (files.isEmpty()) {
            throw HttpError.badRequest("the multipart body holds no file part");
        }
        if (files.size() > MAX_FILES) {
            throw HttpError.badRequest("the multipart body holds " + files.size() + " files, more than "
                    + MAX_FILES + ": send them in several requests");
        }
        ArrayNode results = out.putArray("results");
        for (Multipart.Part file : files) {
            ObjectNode result = results.addObject().put("name", file.filename());
            describe(result, file.content(), file.filename().isEmpty() ? "upload" : file.filename(), formats);
        }
        return out;
    }

    private void describe(ObjectNode out, byte[] bytes, String name, Set<MapFormat> formats) throws IOException {
        BufferedImage image = Uploads.decode(bytes, name, decodeLimit);
        Prediction p = detector.predict(image);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : p.map()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        out.put("score", p.score());
        out.putObject("map").put("size", p.size()).put("min", min).put("max", max);
        AnomalyCalibration c = p.calibration();
        if (c != null) {
            out.put("anomalous", c.isAnomalous(p.score()));
            out.put("threshold", c.imageThreshold());
            out.put("normalised_score", c.normaliseImageScore(p.score()));
        }
        if (formats.contains(MapFormat.PNG)) {
            out.put("overlay_png", Base64.getEncoder().encodeToString(Overlay.png(image, p)));
        }
        if (formats.contains(MapFormat.NPY)) {
            ByteArrayOutputStream npy = new ByteArrayOutputStream();
            Npy.write(npy, new NpyArray(new int[] {p.size(), p.size()}, p.map()));
            out.put("map_npy", Base64.getEncoder().encodeToString(npy.toByteArray()));
        }
    }

    /** The body, refused with 413 when its declared or actual length is over the limit. */
    private byte[] body(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("Content-Length is not a number: " + length);
            }
            if (declared > maxRequestBytes) {
                throw HttpError.tooLarge(declared + " bytes", maxRequestBytes);
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes((int) maxRequestBytes + 1);
            if (body.length > maxRequestBytes) {
                throw HttpError.tooLarge("more than " + maxRequestBytes + " bytes", maxRequestBytes);
            }
            return body;
        }
    }

    /** The {@code map} query parameters' formats: {@code png}, {@code npy}, or both, comma-separated or repeated. */
    private static Set<MapFormat> formats(String query) {
        Set<MapFormat> formats = EnumSet.noneOf(MapFormat.class);
        if (query == null) {
            return formats;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!key.equals("map")) {
                continue;
            }
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            for (String format : value.split(",")) {
                switch (format.trim().toLowerCase(Locale.ROOT)) {
                    case "png" -> formats.add(MapFormat.PNG);
                    case "npy" -> formats.add(MapFormat.NPY);
                    default -> throw HttpError.badRequest("map must be png, npy or png,npy: " + value);
                }
            }
        }
        return formats;
    }

    private static String decode(String queryPart) {
        try {
            return URLDecoder.decode(queryPart, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("malformed query: " + queryPart);
        }
    }
}
