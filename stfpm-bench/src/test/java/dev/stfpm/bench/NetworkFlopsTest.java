package dev.stfpm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stfpm.core.StfpmConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link NetworkFlops} against ResNet-18's convolutions written out by hand, as torchvision defines them. */
class NetworkFlopsTest {

    /** Multiply-adds of a convolution: output positions × output channels × (input channels × kernel area). */
    private static double macs(int outSide, int outChannels, int inChannels, int kernel) {
        return (double) outSide * outSide * outChannels * inChannels * kernel * kernel;
    }

    @Test
    void countsConv1ToLayer3AsTheArchitectureTableGivesThem() {
        // 256×256 input: conv1 (7×7, stride 2) gives 128², max pooling 64²; layer1 keeps 64², layer2 32², layer3 16²
        double conv1 = macs(128, 64, 3, 7);
        double layer1 = 4 * macs(64, 64, 64, 3);
        double layer2 = macs(32, 128, 64, 3) + 3 * macs(32, 128, 128, 3) + macs(32, 128, 64, 1);
        double layer3 = macs(16, 256, 128, 3) + 3 * macs(16, 256, 256, 3) + macs(16, 256, 128, 1);
        double forward = 2 * (conv1 + layer1 + layer2 + layer3);

        NetworkFlops flops = NetworkFlops.of(StfpmConfig.paper());

        assertThat(flops.forward()).isEqualTo(forward);
        assertThat(flops.forward() / 1e9).isBetween(3.66, 3.67); // the figure for conv1 … layer3
        // backward: a weight gradient for every convolution, an input gradient for all but conv1
        assertThat(flops.training()).isEqualTo(3 * forward - 2 * conv1);
    }

    @Test
    void fewerLevelsMeanFewerConvolutions() {
        StfpmConfig twoLevels = StfpmConfig.paper().withPyramidLevels(List.of("layer1", "layer2"));
        assertThat(NetworkFlops.of(twoLevels).forward()).isLessThan(NetworkFlops.of(StfpmConfig.paper()).forward());
    }
}
