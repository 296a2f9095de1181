package dev.stfpm.nn;

import java.util.Map;

/**
 * The teacher's convolution weights (batch norm folded in) by torchvision name: {@code conv1},
 * {@code layer1.0.conv1}, …, {@code layer2.0.downsample.0}, …, {@code layer3.1.conv2} (and {@code layer4}'s
 * five where the teacher has them).
 *
 * @param convs the weights by name
 */
public record TeacherWeights(Map<String, ConvWeights> convs) {

    /** Copies the map. */
    public TeacherWeights {
        convs = Map.copyOf(convs);
    }

    /**
     * @param name a torchvision convolution name
     * @return its weights
     * @throws IllegalArgumentException if there are none by that name
     */
    public ConvWeights conv(String name) {
        ConvWeights w = convs.get(name);
        if (w == null) {
            throw new IllegalArgumentException("no teacher weights for convolution '" + name + "'");
        }
        return w;
    }
}
