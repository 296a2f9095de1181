package dev.stfpm.eval;


import dev.stfpm.core.io.Npy;
import dev.stfpm.core.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import dev.stfpm.core.testing.SharedFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Locates {@code ../shared/eval-vectors} and loads one case. */
final class SharedVectors {

    private SharedVectors() {
    }

    /** @return the eval-vectors folder; skips the calling test when it is absent */
    static Path dir() {
        return SharedFiles.require("eval-vectors/expected.json").getParent();
    }

    /**
     * One case: {@code maps} (N, H, W), {@code masks} (N, H, W) in {0, 1}, {@code labels} (N).
     *
     * @param n      images
     * @param h      rows
     * @param w      columns
     * @param maps   N*H*W scores
     * @param masks  N*H*W flags
     * @param labels N flags
     */
    record Case(int n, int h, int w, float[] maps, boolean[] masks, boolean[] labels) {

        static Case load(Path npz) throws IOException {
            Map<String, NpyArray> a = Npy.readNpz(npz);
            NpyArray maps = a.get("maps");
            float[] m = a.get("masks").data();
            boolean[] masks = new boolean[m.length];
            for (int i = 0; i < m.length; i++) {
                masks[i] = m[i] != 0;
            }
            float[] l = a.get("labels").data();
            boolean[] labels = new boolean[l.length];
            for (int i = 0; i < l.length; i++) {
                labels[i] = l[i] != 0;
            }
            return new Case(maps.dim(0), maps.dim(1), maps.dim(2), maps.data(), masks, labels);
        }

        float[] map(int i) {
            return Arrays.copyOfRange(maps, i * h * w, (i + 1) * h * w);
        }

        boolean[] mask(int i) {
            return Arrays.copyOfRange(masks, i * h * w, (i + 1) * h * w);
        }

        double[] maxScores() {
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                float m = Float.NEGATIVE_INFINITY;
                for (float v : map(i)) {
                    m = Math.max(m, v);
                }
                s[i] = m;
            }
            return s;
        }

        PixelSet pixels() {
            PixelSet set = new PixelSet((long) n * h * w);
            for (int i = 0; i < n; i++) {
                set.add("image " + i, map(i), mask(i), w, h, labels[i] ? "defect" : "good");
            }
            return set;
        }
    }
}
