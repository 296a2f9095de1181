package dev.stfpm.core;

import java.util.List;

/**
 * Every setting of an STFPM model and its training, with the paper's values as defaults
 * (Wang et al., BMVC 2021, Sec. 4.1). Immutable; change one setting with the {@code with…}
 * methods.
 *
 * @param imageSize          side of the square network input in pixels (256): a multiple of 32, at
 *                           most {@link #MAX_IMAGE_SIZE}
 * @param pyramidLevels      ResNet-18 stages whose features are matched, in network order, from
 *                           {@code layer1} … {@code layer4} ({@code layer1}, {@code layer2},
 *                           {@code layer3}: the paper's {@link #PAPER_LEVELS})
 * @param epochs             training epochs (100)
 * @param batchSize          images per SGD step (32)
 * @param learningRate       SGD learning rate (0.4); any positive finite value is accepted, and one
 *                           so large that training diverges stops it at the epoch the loss becomes
 *                           NaN or infinite (see {@code StfpmTrainer})
 * @param momentum           SGD momentum (0.9)
 * @param weightDecay        L2 weight decay (1e-4)
 * @param validationFraction share of {@code train/good} held out to pick the best epoch (0.2)
 * @param seed               seed of the train/validation split, the student's initialisation and
 *                           the batch order (42)
 */
public record StfpmConfig(
        int imageSize,
        List<String> pyramidLevels,
        int epochs,
        int batchSize,
        double learningRate,
        double momentum,
        double weightDecay,
        double validationFraction,
        long seed) {

    /**
     * The stages of ResNet-18 a pyramid level may name, in network order: torchvision's {@code layer1}
     * … {@code layer4}, the paper's blocks conv2_x … conv5_x (its Table 3 numbers them 2 to 5).
     */
    public static final List<String> ALL_LEVELS = List.of("layer1", "layer2", "layer3", "layer4");

    /** The paper's pyramid: {@code layer1}, {@code layer2}, {@code layer3} (Sec. 4.1, Table 3's best). */
    public static final List<String> PAPER_LEVELS = List.of("layer1", "layer2", "layer3");

    /**
     * Largest accepted {@link #imageSize()}: 1024 px, four times the paper's 256. At this size a
     * batch's ResNet-18 activations already take gigabytes; far larger sizes overflow Java array
     * sizes (100 000 px failed with a {@code NegativeArraySizeException}) instead of being refused.
     */
    public static final int MAX_IMAGE_SIZE = 1024;

    /**
     * Validates every setting.
     *
     * @throws IllegalArgumentException naming the setting and its accepted range if one is out of range
     */
    public StfpmConfig {
        pyramidLevels = List.copyOf(pyramidLevels);
        require(imageSize >= 32 && imageSize <= MAX_IMAGE_SIZE && imageSize % 32 == 0,
                "imageSize must be a multiple of 32 from 32 to " + MAX_IMAGE_SIZE + ": " + imageSize);
        require(!pyramidLevels.isEmpty(), "pyramidLevels must name at least one of " + ALL_LEVELS);
        for (String level : pyramidLevels) {
            require(ALL_LEVELS.contains(level), "unknown pyramid level '" + level + "', expected one of " + ALL_LEVELS);
        }
        require(pyramidLevels.stream().distinct().count() == pyramidLevels.size(), "pyramidLevels repeat: " + pyramidLevels);
        require(pyramidLevels.equals(ALL_LEVELS.stream().filter(pyramidLevels::contains).toList()),
                "pyramidLevels must be in network order: " + pyramidLevels);
        require(epochs >= 1, "epochs must be at least 1: " + epochs);
        require(batchSize >= 1, "batchSize must be at least 1: " + batchSize);
        require(Double.isFinite(learningRate) && learningRate > 0,
                "learningRate must be a positive finite number: " + learningRate);
        require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1): " + momentum);
        require(Double.isFinite(weightDecay) && weightDecay >= 0,
                "weightDecay must be a non-negative finite number: " + weightDecay);
        require(validationFraction >= 0 && validationFraction < 1, "validationFraction must be in [0, 1): " + validationFraction);
    }

    /** @return the paper's settings */
    public static StfpmConfig paper() {
        return new StfpmConfig(256, PAPER_LEVELS, 100, 32, 0.4, 0.9, 1e-4, 0.2, 42);
    }

    /**
     * The settings of {@code stfpm demo} and the README's example: the paper's method, shortened to
     * train in about two minutes on two CPU cores on the built-in synthetic data set
     * ({@code dev.stfpm.core.synth}). Smaller images (128 px: a quarter of the work per image),
     * 40 epochs, and batches of 8 so that 48 training images still give 240 SGD steps; the
     * learning rate is 0.8 because the loss sums over the batch (see {@code PyramidMatchingLoss}),
     * so a batch of 8 at 0.8 still takes half the step of the paper's 32 at 0.4.
     *
     * @return the demo settings
     */
    public static StfpmConfig demo() {
        return paper().withImageSize(128).withEpochs(40).withBatchSize(8).withLearningRate(0.8);
    }

    /** @return a copy with another image size */
    public StfpmConfig withImageSize(int v) {
        return new StfpmConfig(v, pyramidLevels, epochs, batchSize, learningRate, momentum, weightDecay, validationFraction, seed);
    }

    /** @return a copy with other pyramid levels */
    public StfpmConfig withPyramidLevels(List<String> v) {
        return new StfpmConfig(imageSize, v, epochs, batchSize, learningRate, momentum, weightDecay, validationFraction, seed);
    }

    /** @return a copy with another number of epochs */
    public StfpmConfig withEpochs(int v) {
        return new StfpmConfig(imageSize, pyramidLevels, v, batchSize, learningRate, momentum, weightDecay, validationFraction, seed);
    }

    /** @return a copy with another batch size */
    public StfpmConfig withBatchSize(int v) {
        return new StfpmConfig(imageSize, pyramidLevels, epochs, v, learningRate, momentum, weightDecay, validationFraction, seed);
    }

    /** @return a copy with another learning rate */
    public StfpmConfig withLearningRate(double v) {
        return new StfpmConfig(imageSize, pyramidLevels, epochs, batchSize, v, momentum, weightDecay, validationFraction, seed);
    }

    /** @return a copy with another momentum */
    public StfpmConfig withMomentum(double v) {
        return new StfpmConfig(imageSize, pyramidLevels, epochs, batchSize, learningRate, v, weightDecay, validationFraction, seed);
    }

    /** @return a copy with another weight decay */
    public StfpmConfig withWeightDecay(double v) {
        return new StfpmConfig(imageSize, pyramidLevels, epochs, batchSize, learningRate, momentum, v, validationFraction, seed);
    }

    /** @return a copy with another validation fraction */
    public StfpmConfig withValidationFraction(double v) {
        return new StfpmConfig(imageSize, pyramidLevels, epochs, batchSize, learningRate, momentum, weightDecay, v, seed);
    }

    /** @return a copy with another seed */
    public StfpmConfig withSeed(long v) {
        return new StfpmConfig(imageSize, pyramidLevels, epochs, batchSize, learningRate, momentum, weightDecay, validationFraction, v);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
