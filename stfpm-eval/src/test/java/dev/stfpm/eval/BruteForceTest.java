package dev.stfpm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Random maps with many ties against a direct transcription of the definitions: AUROC by counting
 * pairs, the PRO curve by recounting every region at every distinct threshold, and MVTec AD's
 * trapezoid with {@code bisect}.
 */
class BruteForceTest {

    @Test
    void matchesTheDefinitionsOnRandomTiedMaps() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 2 + rnd.nextInt(4);
            int w = 3 + rnd.nextInt(6);
            int h = 3 + rnd.nextInt(6);
            int levels = 2 + rnd.nextInt(12);
            float[][] maps = new float[n][w * h];
            boolean[][] masks = new boolean[n][w * h];
            PixelSet set = new PixelSet(0);
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < w * h; p++) {
                    masks[i][p] = i > 0 && rnd.nextInt(4) == 0;
                    maps[i][p] = rnd.nextInt(levels) / (float) levels + (masks[i][p] ? 0.1f * rnd.nextInt(3) : 0);
                }
                set.add("m" + i, maps[i], masks[i], w, h, i == 0 ? "good" : "d");
            }
            if (Arrays.stream(masks).skip(1).noneMatch(m -> anyTrue(m))) {
                continue;
            }
            for (double limit : new double[] {0.05, 0.3, 1.0}) {
                PixelMetrics m = PixelMetrics.compute(set, null, limit);
                assertThat(m.auroc()).isCloseTo(bruteAuroc(maps, masks), within(1e-12));
                assertThat(m.auPro()).as("trial %d limit %s", trial, limit)
                        .isCloseTo(bruteAuPro(maps, masks, w, h, limit), within(1e-9));
            }
        }
    }

    private static boolean anyTrue(boolean[] m) {
        for (boolean b : m) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    private static double bruteAuroc(float[][] maps, boolean[][] masks) {
        double u = 0;
        long pairs = 0;
        for (int i = 0; i < maps.length; i++) {
            for (int p = 0; p < maps[i].length; p++) {
                if (!masks[i][p]) {
                    continue;
                }
                for (int j = 0; j < maps.length; j++) {
                    for (int q = 0; q < maps[j].length; q++) {
                        if (masks[j][q]) {
                            continue;
                        }
                        pairs++;
                        u += maps[i][p] > maps[j][q] ? 1 : maps[i][p] == maps[j][q] ? 0.5 : 0;
                    }
                }
            }
        }
        return u / pairs;
    }

    private static double bruteAuPro(float[][] maps, boolean[][] masks, int w, int h, double limit) {
        TreeSet<Float> distinct = new TreeSet<>();
        for (float[] m : maps) {
            for (float v : m) {
                distinct.add(v);
            }
        }
        Float[] ts = distinct.descendingSet().toArray(new Float[0]);
        double[] x = new double[ts.length + 2];
        double[] y = new double[ts.length + 2];
        for (int k = 0; k < ts.length; k++) {
            float t = ts[k];
            long okAbove = 0;
            long ok = 0;
            double proSum = 0;
            int regions = 0;
            for (int i = 0; i < maps.length; i++) {
                ConnectedRegions r = ConnectedRegions.label(masks[i], w, h);
                for (int p = 0; p < w * h; p++) {
                    if (!masks[i][p]) {
                        ok++;
                        okAbove += maps[i][p] >= t ? 1 : 0;
                    }
                }
                for (int reg = 1; reg <= r.count(); reg++) {
                    int above = 0;
                    for (int p = 0; p < w * h; p++) {
                        if (r.labelAt(p % w, p / w) == reg && maps[i][p] >= t) {
                            above++;
                        }
                    }
                    proSum += (double) above / r.size(reg);
                    regions++;
                }
            }
            x[k + 1] = (double) okAbove / ok;
            y[k + 1] = Math.min(1, proSum / regions);
        }
        x[ts.length + 1] = 1;
        y[ts.length + 1] = 1;
        return trapezoid(x, y, limit) / limit;
    }

    /** MVTec AD generic_util.trapezoid, transcribed. */
    private static double trapezoid(double[] x, double[] y, double xMax) {
        double correction = 0;
        boolean in = false;
        for (double v : x) {
            in |= v == xMax;
        }
        if (!in) {
            int ins = 0;
            while (ins < x.length && x[ins] <= xMax) {
                ins++;
            }
            double yInterp = y[ins - 1] + (y[ins] - y[ins - 1]) * (xMax - x[ins - 1]) / (x[ins] - x[ins - 1]);
            correction = 0.5 * (yInterp + y[ins - 1]) * (xMax - x[ins - 1]);
        }
        double area = 0;
        for (int i = 1; i < x.length && x[i] <= xMax; i++) {
            area += 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]);
        }
        return area + correction;
    }
}
