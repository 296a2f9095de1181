package dev.stfpm.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackedKeySortTest {

    @Test
    void ordersByTheHighHalfAndKeepsEveryKey() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 12; trial++) {
            int n = trial < 4 ? 1 + rnd.nextInt(600) : 20_000 + rnd.nextInt(50_000);
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                float score = switch (trial % 4) {
                    case 0 -> (float) rnd.nextGaussian() * 1e3f;
                    case 1 -> 0.5f + rnd.nextFloat() / 2;
                    case 2 -> rnd.nextInt(5) - 2f;
                    default -> (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(20) - 10));
                };
                keys[i] = SortableFloat.pack(SortableFloat.toSortable(score), rnd.nextInt());
            }
            long[] expected = keys.clone();
            Arrays.sort(expected);
            long[] actual = keys.clone();
            PackedKeySort.sort(actual, 0, n);
            for (int i = 1; i < n; i++) {
                assertThat(SortableFloat.score(actual[i - 1])).isLessThanOrEqualTo(SortableFloat.score(actual[i]));
            }
            Arrays.sort(actual);
            assertThat(actual).isEqualTo(expected);
        }
    }
}
