package dev.stfpm.core.data;

import dev.stfpm.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One category of a data set in the MVTec AD layout:
 * <pre>
 * category/train/good/*.png
 * category/test/&lt;defect&gt;/*.png          (test/good holds the defect-free test images)
 * category/ground_truth/&lt;defect&gt;/&lt;name&gt;_mask.png
 * </pre>
 * Image files are those with an extension ImageIO reads (png, jpg, jpeg, bmp, tif, tiff), listed
 * in name order so every run sees the same order. This is the {@link DatasetLayout#MVTEC} layout.
 *
 * @param root the category folder
 */
public record MvtecCategory(Path root) implements Dataset {

    /** The extensions (lower case, without the dot) of the files {@link #isImage} takes for images. */
    public static final List<String> IMAGE_EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "tif", "tiff");

    /** The folder name of defect-free images. */
    public static final String GOOD = "good";

    /**
     * Opens a category folder.
     *
     * @param root the category folder
     * @return the category
     * @throws IOException if {@code root} is not a folder
     */
    public static MvtecCategory open(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new BadInputException(String.valueOf(root), "not a folder (expected an MVTec AD category with train/good and test/)");
        }
        return new MvtecCategory(root);
    }

    @Override
    public DatasetLayout layout() {
        return DatasetLayout.MVTEC;
    }

    /**
     * @return the defect-free training images, {@code train/good}, in name order
     * @throws IOException if the folder is missing or holds no images
     */
    @Override
    public List<Path> trainImages() throws IOException {
        Path dir = root.resolve("train").resolve(GOOD);
        List<Path> images = imagesIn(dir);
        if (images.isEmpty()) {
            throw new BadInputException(String.valueOf(dir), "no training images (expected PNG/JPEG/BMP/TIFF files)");
        }
        return images;
    }

    /**
     * @return every test image with its defect type and ground-truth mask, by defect type then name
     * @throws IOException if {@code test/} is missing or holds no images
     */
    @Override
    public List<TestImage> testImages() throws IOException {
        Path testDir = root.resolve("test");
        if (!Files.isDirectory(testDir)) {
            throw new BadInputException(String.valueOf(testDir), "no test folder (expected test/<defect>/ with images)");
        }
        List<TestImage> out = new ArrayList<>();
        for (Path defectDir : subfolders(testDir)) {
            String defect = defectDir.getFileName().toString();
            for (Path image : imagesIn(defectDir)) {
                String name = stem(image);
                Path mask = root.resolve("ground_truth").resolve(defect).resolve(name + "_mask.png");
                out.add(new TestImage(image, defect, name,
                        GOOD.equals(defect) || !Files.isRegularFile(mask) ? Optional.empty() : Optional.of(mask)));
            }
        }
        if (out.isEmpty()) {
            throw new BadInputException(String.valueOf(testDir), "no test images");
        }
        return out;
    }

    /**
     * Lists the image files directly inside a folder, in name order.
     *
     * @param dir the folder
     * @return the image files; empty if the folder does not exist
     * @throws IOException if it cannot be listed
     */
    public static List<Path> imagesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(MvtecCategory::isImage).sorted().toList();
        }
    }

    /**
     * @param file a path
     * @return whether its extension is one the image pipeline reads
     */
    public static boolean isImage(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return IMAGE_EXTENSIONS.stream().anyMatch(e -> n.endsWith("." + e));
    }

    /**
     * @param file a path
     * @return its file name without the extension
     */
    public static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static List<Path> subfolders(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }
}
