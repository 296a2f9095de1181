package dev.stfpm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StfpmConfigTest {

    @Test
    void defaultsAreThePapers() {
        StfpmConfig c = StfpmConfig.paper();
        assertThat(c.imageSize()).isEqualTo(256);
        assertThat(c.pyramidLevels()).containsExactly("layer1", "layer2", "layer3");
        assertThat(c.epochs()).isEqualTo(100);
        assertThat(c.batchSize()).isEqualTo(32);
        assertThat(c.learningRate()).isEqualTo(0.4);
        assertThat(c.momentum()).isEqualTo(0.9);
        assertThat(c.weightDecay()).isEqualTo(1e-4);
        assertThat(c.validationFraction()).isEqualTo(0.2);
    }

    @Test
    void withersChangeOneSetting() {
        StfpmConfig c = StfpmConfig.paper().withEpochs(3).withSeed(9);
        assertThat(c.epochs()).isEqualTo(3);
        assertThat(c.seed()).isEqualTo(9);
        assertThat(c.withEpochs(100).withSeed(StfpmConfig.paper().seed())).isEqualTo(StfpmConfig.paper());
    }

    @Test
    void invalidSettingsAreRefusedWithTheReason() {
        StfpmConfig p = StfpmConfig.paper();
        assertThatThrownBy(() -> p.withImageSize(100)).hasMessageContaining("multiple of 32");
        assertThatThrownBy(() -> p.withPyramidLevels(List.of("layer5"))).hasMessageContaining("layer5");
        assertThat(p.withPyramidLevels(List.of("layer3", "layer4")).pyramidLevels()).as("the paper's Table 3 goes to block 5")
                .containsExactly("layer3", "layer4");
        assertThatThrownBy(() -> p.withPyramidLevels(List.of("layer2", "layer1"))).hasMessageContaining("network order");
        assertThatThrownBy(() -> p.withEpochs(0)).hasMessageContaining("epochs");
        assertThatThrownBy(() -> p.withMomentum(1)).hasMessageContaining("momentum");
        assertThatThrownBy(() -> p.withValidationFraction(1)).hasMessageContaining("validationFraction");
    }

    @Test
    void nonFiniteAndOutOfRangeNumbersAreRefused() {
        StfpmConfig p = StfpmConfig.paper();
        for (double lr : new double[] {Double.POSITIVE_INFINITY, Double.NaN, 0, -1}) {
            assertThatThrownBy(() -> p.withLearningRate(lr)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("learningRate").hasMessageContaining(String.valueOf(lr));
        }
        assertThat(p.withLearningRate(1e20).learningRate()).as("finite, if useless: training stops when it diverges")
                .isEqualTo(1e20);
        for (double m : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.1}) {
            assertThatThrownBy(() -> p.withMomentum(m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("momentum");
        }
        for (double wd : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1e-4}) {
            assertThatThrownBy(() -> p.withWeightDecay(wd)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("weightDecay");
        }
        assertThatThrownBy(() -> p.withValidationFraction(Double.NaN)).hasMessageContaining("validationFraction");
    }

    @Test
    void imageSizeHasADocumentedMaximum() {
        StfpmConfig p = StfpmConfig.paper();
        assertThat(p.withImageSize(StfpmConfig.MAX_IMAGE_SIZE).imageSize()).isEqualTo(1024);
        for (int size : new int[] {100000, 1024 + 32, Integer.MAX_VALUE - 31, 0, -32}) {
            assertThatThrownBy(() -> p.withImageSize(size)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("imageSize").hasMessageContaining("1024")
                    .hasMessageContaining(String.valueOf(size));
        }
    }
}
