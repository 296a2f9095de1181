package dev.stfpm.core.image;

import dev.stfpm.core.BadInputException;
import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link ImagePreprocessorLargeTest}: preprocesses an
 * image as {@code predict} does and reads it at full resolution as a mask, printing one line for
 * each: {@code load ok <min> <max>} or {@code <what> refused <message>}. Any error (an
 * OutOfMemoryError above all) ends it with a trace and a non-zero exit code.
 */
public final class LargeImageProbe {

    private LargeImageProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int size = Integer.parseInt(args[1]);
        try {
            float[] x = new ImagePreprocessor(size).load(file);
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (float v : x) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            System.out.println("load ok " + x.length + " " + min + " " + max);
        } catch (BadInputException e) {
            System.out.println("load refused " + e.getMessage());
        }
        try {
            System.out.println("mask ok " + ImageFiles.read(file, "ground-truth mask").getWidth());
        } catch (BadInputException e) {
            System.out.println("mask refused " + e.getMessage());
        }
    }
}
