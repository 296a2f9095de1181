package dev.stfpm.core.data;

import dev.stfpm.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One object of MVTec AD 2, the {@link DatasetLayout#MVTEC2} layout:
 * <pre>
 * object/train/good/*.png
 * object/validation/good/*.png                 the validation set (instead of a share of train/good)
 * object/test_public/{good,bad}/*.png
 * object/test_public/ground_truth/bad/&lt;name&gt;_mask.png
 * object/test_private/*.png, object/test_private_mixed/*.png     no labels, no masks
 * </pre>
 * The private test sets are published without ground truth: their images are {@linkplain
 * TestImage#unlabelled unlabelled}, so they get maps and scores but no metrics. Masks of {@code
 * test_public} must have their images' size.
 *
 * @param root  the object's folder
 * @param split the test split read by {@link #testImages()}: one of {@link #SPLITS}
 */
public record Mvtec2Category(Path root, String split) implements Dataset {

    /** The test split with ground truth. */
    public static final String PUBLIC = "test_public";
    /** The private test split, published without ground truth. */
    public static final String PRIVATE = "test_private";
    /** The private test split under mixed lighting conditions, published without ground truth. */
    public static final String PRIVATE_MIXED = "test_private_mixed";
    /** Every test split, {@link #PUBLIC} first. */
    public static final List<String> SPLITS = List.of(PUBLIC, PRIVATE, PRIVATE_MIXED);

    private static final String GROUND_TRUTH = "ground_truth";

    /**
     * Opens an object's folder.
     *
     * @param root  the object's folder
     * @param split the test split to read, one of {@link #SPLITS}
     * @return the object
     * @throws IOException if {@code root} is not a folder or {@code split} is not a test split
     */
    public static Mvtec2Category open(Path root, String split) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new BadInputException(String.valueOf(root), "not a folder (expected an MVTec AD 2 object with train/good"
                    + " and " + PUBLIC + "/)");
        }
        if (!SPLITS.contains(split)) {
            throw new BadInputException(String.valueOf(root), "MVTec AD 2 has no test split '" + split + "' (it has "
                    + String.join(", ", SPLITS) + ")");
        }
        return new Mvtec2Category(root, split);
    }

    @Override
    public DatasetLayout layout() {
        return DatasetLayout.MVTEC2;
    }

    /**
     * @return {@code train/good}, in name order
     * @throws IOException if it is missing or holds no images
     */
    @Override
    public List<Path> trainImages() throws IOException {
        Path dir = root.resolve("train").resolve(MvtecCategory.GOOD);
        List<Path> images = MvtecCategory.imagesIn(dir);
        if (images.isEmpty()) {
            throw new BadInputException(String.valueOf(dir), "no training images (expected PNG/JPEG/BMP/TIFF files)");
        }
        return images;
    }

    /**
     * @return {@code validation/good}, in name order; empty if it is missing or holds no images
     * @throws IOException if it cannot be listed
     */
    @Override
    public Optional<List<Path>> validationImages() throws IOException {
        List<Path> images = MvtecCategory.imagesIn(root.resolve("validation").resolve(MvtecCategory.GOOD));
        return images.isEmpty() ? Optional.empty() : Optional.of(images);
    }

    /**
     * @return the images of {@link #split()}: for {@code test_public}, each defect folder's images ({@code good},
     *         {@code bad}) with the masks of {@code test_public/ground_truth}; for a private split, its images,
     *         unlabelled, under the split's name
     * @throws IOException if the split's folder is missing or holds no images, or a mask's size differs from its image's
     */
    @Override
    public List<TestImage> testImages() throws IOException {
        Path testDir = root.resolve(split);
        if (!Files.isDirectory(testDir)) {
            throw new BadInputException(String.valueOf(testDir), "no such test split folder");
        }
        List<TestImage> out = new ArrayList<>();
        if (PUBLIC.equals(split)) {
            for (Path defectDir : subfolders(testDir)) {
                String defect = defectDir.getFileName().toString();
                for (Path image : MvtecCategory.imagesIn(defectDir)) {
                    String name = MvtecCategory.stem(image);
                    Path mask = testDir.resolve(GROUND_TRUTH).resolve(defect).resolve(name + "_mask.png");
                    boolean masked = !MvtecCategory.GOOD.equals(defect) && Files.isRegularFile(mask);
                    if (masked) {
                        TestImages.checkMaskSize(image, mask);
                    }
                    out.add(new TestImage(image, defect, name, masked ? Optional.of(mask) : Optional.empty()));
                }
            }
        } else {
            for (Path image : MvtecCategory.imagesIn(testDir)) {
                out.add(TestImage.unlabelled(image, split, MvtecCategory.stem(image)));
            }
        }
        if (out.isEmpty()) {
            throw new BadInputException(String.valueOf(testDir), "no test images");
        }
        return TestImages.distinct(out);
    }

    private static List<Path> subfolders(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(d -> !GROUND_TRUTH.equals(d.getFileName().toString()))
                    .sorted().toList();
        }
    }
}
