package dev.stfpm.serve;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body (RFC 7578), as browsers and {@code curl -F} send files, split
 * into its parts. Part headers are read as UTF-8 (browsers send file names so); the search for
 * boundaries is linear in the body's size whatever the boundary.
 */
final class Multipart {

    /** A boundary may have at most 70 characters (RFC 2046). */
    private static final int MAX_BOUNDARY = 70;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};
    private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]+))");

    private Multipart() {
    }

    /**
     * One part of the body.
     *
     * @param name     the form field's name, or {@code null}
     * @param filename the uploaded file's name (its last path segment), or {@code null} for a plain field
     * @param content  the part's bytes
     */
    record Part(String name, String filename, byte[] content) {

        /** @return whether this part is a file */
        boolean isFile() {
            return filename != null;
        }
    }

    /**
     * @param contentType a request's {@code Content-Type}, or {@code null}
     * @return whether it is {@code multipart/form-data}
     */
    static boolean is(String contentType) {
        return contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /**
     * @param contentType the request's {@code multipart/form-data} content type, with its boundary
     * @param body        the request body
     * @return its parts, in order
     * @throws HttpError (400) if the boundary is missing or the body is not split by it as RFC 2046 says
     */
    static List<Part> parse(String contentType, byte[] body) {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw HttpError.badRequest("multipart/form-data without a boundary parameter");
        }
        String boundary = m.group(1) != null ? m.group(1) : m.group(2);
        if (boundary.isEmpty() || boundary.length() > MAX_BOUNDARY) {
            throw HttpError.badRequest("multipart boundary must have 1 to " + MAX_BOUNDARY + " characters");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] separator = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw HttpError.badRequest("multipart body without its boundary");
        }
        pos += delimiter.length;
        List<Part> parts = new ArrayList<>();
        while (!startsWith(body, pos, new byte[] {'-', '-'})) {
            while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
                pos++;
            }
            if (!startsWith(body, pos, CRLF)) {
                throw HttpError.badRequest("malformed multipart body: a boundary line does not end");
            }
            int headersStart = pos + CRLF.length;
            int headersEnd = startsWith(body, headersStart, CRLF) ? headersStart - CRLF.length
                    : indexOf(body, HEADERS_END, headersStart);
            if (headersEnd < 0) {
                throw HttpError.badRequest("malformed multipart body: a part's headers do not end");
            }
            int start = headersEnd + HEADERS_END.length;
            int end = indexOf(body, separator, start);
            if (end < 0) {
                throw HttpError.badRequest("malformed multipart body: the last part has no closing boundary");
            }
            String headers = headersEnd > headersStart
                    ? new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8) : "";
            parts.add(part(headers, Arrays.copyOfRange(body, start, end)));
            pos = end + separator.length;
        }
        return parts;
    }

    private static Part part(String headers, byte[] content) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Disposition")) {
                String disposition = line.substring(colon + 1);
                String filename = parameter(disposition, "filename");
                if (filename != null) {
                    filename = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
                }
                return new Part(parameter(disposition, "name"), filename, content);
            }
        }
        return new Part(null, null, content);
    }

    /** A parameter of a header value ({@code name="value"} or {@code name=value}), or {@code null}. */
    private static String parameter(String header, String name) {
        Matcher m = Pattern.compile("(?i)(?:^|;)\\s*" + name + "\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^;\\s]*))")
                .matcher(header);
        if (!m.find()) {
            return null;
        }
        return m.group(1) != null ? m.group(1).replaceAll("\\\\(.)", "$1") : m.group(2);
    }

    private static boolean startsWith(byte[] data, int at, byte[] prefix) {
        if (at + prefix.length > data.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The first index of {@code pattern} in {@code data} at or after {@code from}, or -1 (Knuth–Morris–Pratt). */
    private static int indexOf(byte[] data, byte[] pattern, int from) {
        int[] fail = new int[pattern.length];
        for (int i = 1, k = 0; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = fail[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            fail[i] = k;
        }
        for (int i = from, k = 0; i < data.length; i++) {
            while (k > 0 && data[i] != pattern[k]) {
                k = fail[k - 1];
            }
            if (data[i] == pattern[k]) {
                k++;
            }
            if (k == pattern.length) {
                return i - pattern.length + 1;
            }
        }
        return -1;
    }
}
