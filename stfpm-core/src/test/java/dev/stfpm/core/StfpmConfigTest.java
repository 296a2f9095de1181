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
        assertThatThrownBy(() -> p.withPyramidLevels(List.of("layer4"))).hasMessageContaining("layer4");
        assertThatThrownBy(() -> p.withPyramidLevels(List.of("layer2", "layer1"))).hasMessageContaining("network order");
        assertThatThrownBy(() -> p.withEpochs(0)).hasMessageContaining("epochs");
        assertThatThrownBy(() -> p.withMomentum(1)).hasMessageContaining("momentum");
        assertThatThrownBy(() -> p.withValidationFraction(1)).hasMessageContaining("validationFraction");
    }
}
