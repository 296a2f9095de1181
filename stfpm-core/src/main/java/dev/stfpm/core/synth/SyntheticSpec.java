package dev.stfpm.core.synth;

/**
 * The size and seed of a synthetic inspection data set (see {@link SyntheticInspectionSet}).
 * Immutable; change one setting with the {@code with…} methods.
 *
 * @param imageSize           side of the square images in pixels; the picture is drawn at 128 pixels
 *                            and scaled, so 256 gives the same picture at twice the resolution (128)
 * @param trainImages         defect-free training images, {@code train/good} (60)
 * @param testGoodImages      defect-free test images, {@code test/good} (20)
 * @param testImagesPerDefect test images of each of the {@link SyntheticInspectionSet#DEFECT_TYPES}
 *                            (8)
 * @param seed                seed of every random choice; the same spec always gives the same
 *                            images, pixel for pixel (42)
 */
public record SyntheticSpec(int imageSize, int trainImages, int testGoodImages, int testImagesPerDefect, long seed) {

    /** Image side of the demo set. */
    public static final int DEMO_IMAGE_SIZE = 128;
    /** Training images of the demo set. */
    public static final int DEMO_TRAIN_IMAGES = 60;
    /** Defect-free test images of the demo set. */
    public static final int DEMO_TEST_GOOD_IMAGES = 20;
    /** Test images per defect type of the demo set. */
    public static final int DEMO_TEST_IMAGES_PER_DEFECT = 8;
    /** Seed of the demo set. */
    public static final long DEMO_SEED = 42;

    /** The smallest image side: below it the smallest defects of the 128-pixel picture vanish. */
    public static final int MIN_IMAGE_SIZE = 64;
    /** The largest image side. */
    public static final int MAX_IMAGE_SIZE = 4096;
    /** The most images of one folder, so that file names are {@code 000} to {@code 999}. */
    public static final int MAX_IMAGES_PER_FOLDER = 1000;

    /** Validates every setting. */
    public SyntheticSpec {
        require(imageSize >= MIN_IMAGE_SIZE && imageSize <= MAX_IMAGE_SIZE,
                "imageSize must be in [" + MIN_IMAGE_SIZE + ", " + MAX_IMAGE_SIZE + "]: " + imageSize);
        requireCount("trainImages", trainImages);
        requireCount("testGoodImages", testGoodImages);
        requireCount("testImagesPerDefect", testImagesPerDefect);
    }

    /** @return the built-in demo set: 128-pixel images, 60 training, 20 good and 5 × 8 defect test images */
    public static SyntheticSpec demo() {
        return new SyntheticSpec(DEMO_IMAGE_SIZE, DEMO_TRAIN_IMAGES, DEMO_TEST_GOOD_IMAGES,
                DEMO_TEST_IMAGES_PER_DEFECT, DEMO_SEED);
    }

    /** @return the number of images the set holds, training and test (masks not counted) */
    public int imageCount() {
        return trainImages + testGoodImages + testImagesPerDefect * SyntheticInspectionSet.DEFECT_TYPES.size();
    }

    /** @return a copy with another image size */
    public SyntheticSpec withImageSize(int v) {
        return new SyntheticSpec(v, trainImages, testGoodImages, testImagesPerDefect, seed);
    }

    /** @return a copy with another number of training images */
    public SyntheticSpec withTrainImages(int v) {
        return new SyntheticSpec(imageSize, v, testGoodImages, testImagesPerDefect, seed);
    }

    /** @return a copy with another number of defect-free test images */
    public SyntheticSpec withTestGoodImages(int v) {
        return new SyntheticSpec(imageSize, trainImages, v, testImagesPerDefect, seed);
    }

    /** @return a copy with another number of test images per defect type */
    public SyntheticSpec withTestImagesPerDefect(int v) {
        return new SyntheticSpec(imageSize, trainImages, testGoodImages, v, seed);
    }

    /** @return a copy with another seed */
    public SyntheticSpec withSeed(long v) {
        return new SyntheticSpec(imageSize, trainImages, testGoodImages, testImagesPerDefect, v);
    }

    private static void requireCount(String name, int value) {
        require(value >= 1 && value <= MAX_IMAGES_PER_FOLDER,
                name + " must be in [1, " + MAX_IMAGES_PER_FOLDER + "]: " + value);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
