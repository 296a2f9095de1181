package dev.stfpm.core.synth;

import dev.stfpm.core.data.MvtecCategory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A procedurally generated visual-inspection data set in the MVTec AD layout: photographs of a
 * woven technical fabric under varying light, defect-free for training, with five kinds of defect
 * and their exact ground-truth masks for testing. See {@code docs/DEMO-DATA.md}.
 *
 * <pre>
 * root/train/good/000.png …
 * root/test/good/000.png …
 * root/test/&lt;defect&gt;/000.png …
 * root/ground_truth/&lt;defect&gt;/000_mask.png   (8-bit grey, 0 normal, 255 defect)
 * </pre>
 *
 * Every image is a pure function of the spec's seed and image size and of its split, defect type
 * and index, so images are generated in parallel and are identical, byte for byte, on every run.
 */
public final class SyntheticInspectionSet {

    /** Folder of the training images. */
    public static final String TRAIN = "train";
    /** Folder of the test images. */
    public static final String TEST = "test";
    /** Folder of the ground-truth masks. */
    public static final String GROUND_TRUTH = "ground_truth";

    /** A thin bright or dark line, straight or slightly bent. */
    public static final String SCRATCH = "scratch";
    /** A soft round or elliptical stain, darker, lighter or tinted. */
    public static final String SPOT = "spot";
    /** A dark branching crack. */
    public static final String CRACK = "crack";
    /** Missing material: an irregular region where the dark backing shows through. */
    public static final String HOLE = "hole";
    /** Foreign material: a loose fibre or a cluster of specks of another colour. */
    public static final String CONTAMINATION = "contamination";
    /** The defect types, which are also their folder names. */
    public static final List<String> DEFECT_TYPES = List.of(SCRATCH, SPOT, CRACK, HOLE, CONTAMINATION);

    private SyntheticInspectionSet() {
    }

    /**
     * One generated image.
     *
     * @param image the image, {@link BufferedImage#TYPE_INT_RGB}
     * @param mask  its ground truth, {@link BufferedImage#TYPE_BYTE_GRAY} with 255 on the pixels the
     *              defect changed and 0 elsewhere; {@code null} for a defect-free image
     * @param clean the same image without its defect (for a defect-free image, an equal copy)
     */
    public record Sample(BufferedImage image, BufferedImage mask, BufferedImage clean) {

        /** @return whether the image is defect-free */
        public boolean isGood() {
            return mask == null;
        }
    }

    /**
     * What {@link #write} wrote.
     *
     * @param root           the category folder
     * @param trainImages    images in {@code train/good}
     * @param testGoodImages images in {@code test/good}
     * @param defectImages   images in {@code test/<defect>} (each with its mask), by defect type
     */
    public record Summary(Path root, int trainImages, int testGoodImages, Map<String, Integer> defectImages) {

        /** Copies the map, keeping its order. */
        public Summary {
            defectImages = Collections.unmodifiableMap(new LinkedHashMap<>(defectImages));
        }

        /** @return all images written, training and test (masks not counted) */
        public int imageCount() {
            return trainImages + testGoodImages + defectImages.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * Writes the data set.
     *
     * @param spec its size and seed
     * @param root the category folder; created if missing, refused if it holds anything
     * @return the counts written
     * @throws IOException if {@code root} is not an empty folder or a file cannot be written
     */
    public static Summary write(SyntheticSpec spec, Path root) throws IOException {
        return write(spec, root, image -> { });
    }

    /**
     * Writes the data set, reporting progress. Images are generated in parallel; {@code onImage} is
     * called once per image written (after its mask, if any), never concurrently, in no particular
     * order.
     *
     * @param spec    its size and seed
     * @param root    the category folder; created if missing, refused if it holds anything
     * @param onImage told the path of each image written; {@link SyntheticSpec#imageCount()} calls
     *                in all
     * @return the counts written
     * @throws IOException if {@code root} is not an empty folder or a file cannot be written
     */
    public static Summary write(SyntheticSpec spec, Path root, Consumer<Path> onImage) throws IOException {
        requireEmptyFolder(root);
        List<Job> jobs = new ArrayList<>();
        addJobs(jobs, TRAIN, MvtecCategory.GOOD, spec.trainImages());
        addJobs(jobs, TEST, MvtecCategory.GOOD, spec.testGoodImages());
        Map<String, Integer> defectImages = new LinkedHashMap<>();
        for (String defect : DEFECT_TYPES) {
            addJobs(jobs, TEST, defect, spec.testImagesPerDefect());
            defectImages.put(defect, spec.testImagesPerDefect());
            Files.createDirectories(root.resolve(GROUND_TRUTH).resolve(defect));
        }
        for (Job job : jobs) {
            Files.createDirectories(root.resolve(job.split).resolve(job.defect));
        }
        Object progressLock = new Object();
        try {
            jobs.parallelStream().forEach(job -> {
                Path image = job.write(spec, root);
                synchronized (progressLock) {
                    onImage.accept(image);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Summary(root, spec.trainImages(), spec.testGoodImages(), defectImages);
    }

    /**
     * Renders one image of the set without writing it.
     *
     * @param spec       the set's size and seed
     * @param split      {@value #TRAIN} or {@value #TEST}
     * @param defectType {@code good} or, for the test split, one of {@link #DEFECT_TYPES}
     * @param index      the image's number within its folder, from 0 (indices past the spec's
     *                   counts give further images of the same kind)
     * @return the image, its mask and its defect-free version
     * @throws IllegalArgumentException if the split, defect type or index is not one of the above
     */
    public static Sample render(SyntheticSpec spec, String split, String defectType, int index) {
        return render(spec, split, defectType, index, true);
    }

    private static Sample render(SyntheticSpec spec, String split, String defectType, int index, boolean withClean) {
        boolean good = MvtecCategory.GOOD.equals(defectType);
        if (!TRAIN.equals(split) && !TEST.equals(split)) {
            throw new IllegalArgumentException("split must be '" + TRAIN + "' or '" + TEST + "': '" + split + "'");
        }
        if (!good && !DEFECT_TYPES.contains(defectType)) {
            throw new IllegalArgumentException("unknown defect type '" + defectType + "', expected '"
                    + MvtecCategory.GOOD + "' or one of " + DEFECT_TYPES);
        }
        if (TRAIN.equals(split) && !good) {
            throw new IllegalArgumentException("the train split holds only '" + MvtecCategory.GOOD + "' images: '"
                    + defectType + "'");
        }
        if (index < 0) {
            throw new IllegalArgumentException("index must be non-negative: " + index);
        }
        SplittableRandom rng = new SplittableRandom(imageSeed(spec.seed(), split, defectType, index));
        WovenSurface surface = WovenSurface.random(rng);
        Camera camera = Camera.random(rng);
        Canvas canvas = new Canvas(spec.imageSize());
        surface.paint(canvas);
        if (good) {
            return new Sample(camera.develop(canvas), null, withClean ? camera.develop(canvas) : null);
        }
        BufferedImage clean = withClean ? camera.develop(canvas) : null;
        Coverage coverage = Defects.paint(defectType, canvas, rng);
        return new Sample(camera.develop(canvas), mask(coverage), clean);
    }

    /** @return a seed for one image, well mixed from everything that identifies it */
    private static long imageSeed(long seed, String split, String defectType, int index) {
        long h = Noise.mix(seed);
        h = Noise.mix(h + split.hashCode());
        h = Noise.mix(h + defectType.hashCode());
        return Noise.mix(h + index);
    }

    private static BufferedImage mask(Coverage coverage) {
        int size = coverage.size;
        BufferedImage mask = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = new byte[size * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = coverage.weight[i] > 0 ? (byte) 255 : 0;
        }
        mask.getRaster().setDataElements(0, 0, size, size, pixels);
        return mask;
    }

    private static void requireEmptyFolder(Path root) throws IOException {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new IOException(root + ": not a folder");
        }
        if (Files.isDirectory(root)) {
            try (Stream<Path> entries = Files.list(root)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(root + ": not empty; the synthetic data set is written only into a new or empty folder");
                }
            }
        }
        Files.createDirectories(root);
    }

    private static void addJobs(List<Job> jobs, String split, String defect, int count) {
        for (int index = 0; index < count; index++) {
            jobs.add(new Job(split, defect, index));
        }
    }

    /** One image to generate and write. */
    private record Job(String split, String defect, int index) {

        /** @return the image's path, after writing it and its mask */
        Path write(SyntheticSpec spec, Path root) {
            String name = String.format("%03d", index);
            Sample sample = render(spec, split, defect, index, false);
            Path image = root.resolve(split).resolve(defect).resolve(name + ".png");
            try {
                writePng(sample.image(), image);
                if (!sample.isGood()) {
                    writePng(sample.mask(), root.resolve(GROUND_TRUTH).resolve(defect).resolve(name + "_mask.png"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return image;
        }

        private static void writePng(BufferedImage image, Path file) throws IOException {
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException(file + ": no PNG writer available");
            }
        }
    }
}
