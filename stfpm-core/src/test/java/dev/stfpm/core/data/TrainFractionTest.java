package dev.stfpm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrainFractionTest {

    private static final List<Path> IMAGES = IntStream.range(0, 209).mapToObj(i -> Path.of(String.format("%03d.png", i))).toList();

    @Test
    void keepsTheRoundedUpShareInOriginalOrderTheSameForTheSameSeed() {
        List<Path> five = new TrainFraction(0.05).select(IMAGES, 42);
        assertThat(five).hasSize(11).isSorted().doesNotHaveDuplicates();
        assertThat(IMAGES).containsAll(five);
        assertThat(new TrainFraction(0.05).select(IMAGES, 42)).isEqualTo(five);
        assertThat(new TrainFraction(0.05).select(IMAGES, 43)).isNotEqualTo(five);
        assertThat(new TrainFraction(0.10).select(IMAGES, 42)).hasSize(21);
        assertThat(TrainFraction.ALL.select(IMAGES, 42)).isSameAs(IMAGES);
    }

    @Test
    void keepsAtLeastTwoImagesAndRefusesSharesOutsideTheRange() {
        assertThat(new TrainFraction(0.001).select(IMAGES, 1)).hasSize(2);
        assertThat(new TrainFraction(0.5).select(IMAGES.subList(0, 1), 1)).hasSize(1);
        for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> new TrainFraction(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("train fraction must be in (0, 1]");
        }
    }
}
