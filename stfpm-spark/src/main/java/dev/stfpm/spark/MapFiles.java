package dev.stfpm.spark;

import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.NpyArray;
import dev.stfpm.nn.Prediction;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Where the scorer writes anomaly maps: {@code .npy} files (float32, {@code S × S}, as {@code stfpm
 * predict} writes them) under a folder on any file system Hadoop reaches (local, HDFS, S3A, ...). An
 * image's map mirrors its path: {@code file:/data/line3/0001.png} gives {@code DIR/data/line3/0001.png.npy},
 * so the names are unique without coordination between tasks, and a retried task rewrites its own.
 */
final class MapFiles implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String dir;
    private final SerializableConfiguration hadoop;

    /**
     * @param dir    the folder (a Hadoop path or URI)
     * @param hadoop the Hadoop settings of the session (credentials, file system implementations)
     */
    MapFiles(String dir, Configuration hadoop) {
        this.dir = dir;
        this.hadoop = new SerializableConfiguration(hadoop);
    }

    /**
     * @param image the image's path, as its row names it
     * @return where its map goes
     */
    Path mapOf(String image) {
        String path = new Path(image).toUri().getPath();
        return new Path(dir, (path.startsWith("/") ? path.substring(1) : path) + ".npy");
    }

    /**
     * Writes one image's map, replacing an earlier one.
     *
     * @param image      the image's path
     * @param prediction its prediction
     * @throws IOException if the file cannot be written
     */
    void write(String image, Prediction prediction) throws IOException {
        Path file = mapOf(image);
        FileSystem fs = file.getFileSystem(hadoop.value());
        try (OutputStream out = fs.create(file, true)) {
            Npy.write(out, new NpyArray(new int[] {prediction.size(), prediction.size()}, prediction.map()));
        }
    }
}
