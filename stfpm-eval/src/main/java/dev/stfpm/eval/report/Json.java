package dev.stfpm.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The one JSON configuration of the files the evaluation writes ({@code metrics.json}, {@code
 * calibration.json}): Jackson's defaults, indented for reading.
 */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /**
     * Writes a value (a tree, a record, a map) as indented JSON.
     *
     * @param value the value
     * @param file  the file, replaced if it exists
     * @throws IOException if it cannot be written
     */
    public static void write(Object value, Path file) throws IOException {
        MAPPER.writeValue(file.toFile(), value);
    }

    /** @return a new, empty JSON object to build a tree in */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }
}
