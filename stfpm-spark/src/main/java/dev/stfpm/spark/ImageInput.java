package dev.stfpm.spark;

import dev.stfpm.core.BadInputException;
import dev.stfpm.core.image.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The two DataFrames of images Spark reads, and how a row of each becomes the network's input.
 * {@link #BINARY_FILE} rows hold the encoded file, decoded here exactly as {@code stfpm predict}
 * decodes files; {@link #IMAGE} rows hold pixels Spark's {@code image} source decoded to 8-bit BGR(A),
 * the same as ours for 8-bit images, coarser for 16-bit ones.
 */
enum ImageInput {
    /** {@code spark.read().format("binaryFile")}: columns {@code path} and {@code content}. */
    BINARY_FILE("path"),
    /** {@code spark.read().format("image")}: a column {@code image} of (origin, height, width, nChannels, mode, data). */
    IMAGE("image.origin");

    private final String pathColumn;

    ImageInput(String pathColumn) {
        this.pathColumn = pathColumn;
    }

    /** @return the column (an expression) holding each image's path */
    String pathColumn() {
        return pathColumn;
    }

    /**
     * @param schema a DataFrame's schema
     * @return which of the two forms it is
     * @throws IllegalArgumentException if it is neither
     */
    static ImageInput of(StructType schema) {
        if (has(schema, "path", StringType.class) && has(schema, "content", BinaryType.class)) {
            return BINARY_FILE;
        }
        if (Arrays.asList(schema.fieldNames()).contains("image") && schema.apply("image").dataType() instanceof StructType) {
            return IMAGE;
        }
        throw new IllegalArgumentException("a DataFrame of images has the columns path and content (format "
                + "\"binaryFile\") or image (format \"image\"); this one has " + String.join(", ", schema.fieldNames()));
    }

    private static boolean has(StructType schema, String name, Class<?> type) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name) && type.isInstance(f.dataType())) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param row a row of this form
     * @return the image's path (a URI, as Spark lists files)
     */
    String path(Row row) {
        return this == BINARY_FILE ? row.getAs("path") : row.<Row>getAs("image").getAs("origin");
    }

    /**
     * @param row          a row of this form
     * @param preprocessor the model's input pipeline
     * @return the image resized and normalised, {@code 3 × S × S} channel-first
     * @throws IOException if the image cannot be decoded (the message names it)
     */
    float[] preprocess(Row row, ImagePreprocessor preprocessor) throws IOException {
        if (this == BINARY_FILE) {
            return preprocessor.load(row.<byte[]>getAs("content"), path(row));
        }
        return preprocessor.preprocess(decoded(row.getAs("image")));
    }

    /** Spark's image struct (BGR or BGRA bytes, or grey) as the BufferedImage ImageIO would have given. */
    private static BufferedImage decoded(Row image) throws IOException {
        int width = image.getAs("width");
        int height = image.getAs("height");
        int channels = image.getAs("nChannels");
        byte[] data = image.getAs("data");
        String origin = image.getAs("origin");
        if (width < 1 || height < 1 || data == null || data.length != (long) width * height * channels) {
            throw new BadInputException(origin, "not an image Spark's image source could decode");
        }
        switch (channels) {
            case 1, 3 -> {
                BufferedImage img = new BufferedImage(width, height,
                        channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
                byte[] pixels = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                System.arraycopy(data, 0, pixels, 0, pixels.length);
                return img;
            }
            case 4 -> {
                BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_4BYTE_ABGR);
                byte[] pixels = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                for (int p = 0; p < width * height; p++) {
                    pixels[4 * p] = data[4 * p + 3];
                    System.arraycopy(data, 4 * p, pixels, 4 * p + 1, 3);
                }
                return img;
            }
            default -> throw new BadInputException(origin, channels + " channels: Spark's image source "
                    + "gives 1, 3 or 4");
        }
    }
}
