package dev.stfpm.core.data;

import dev.stfpm.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The folder layouts a {@link Dataset} is read from, each recognised by what its data folder holds
 * ({@link #detect}):
 * <ul>
 * <li>{@link #MVTEC}: MVTec AD, {@code train/good}, {@code test/<defect>}, {@code ground_truth/<defect>}
 *     ({@link MvtecCategory});</li>
 * <li>{@link #MVTEC2}: MVTec AD 2, {@code train/good}, {@code validation/good}, {@code test_public} and the
 *     private test sets without ground truth ({@link Mvtec2Category});</li>
 * <li>{@link #VISA}: VisA, a split CSV {@code split_csv/1cls.csv} naming every image ({@link VisaCategory});</li>
 * <li>{@link #FOLDER}: any folders of normal and abnormal images and masks, named in the options
 *     ({@link FolderDataset}).</li>
 * </ul>
 */
public enum DatasetLayout {

    /** MVTec AD. */
    MVTEC,
    /** MVTec AD 2. */
    MVTEC2,
    /** VisA, read through its split CSV. */
    VISA,
    /** Folders of normal and abnormal images, as anomalib's {@code Folder} data set. */
    FOLDER;

    /** @return the layout's name as the command line spells it: {@code mvtec}, {@code mvtec2}, {@code visa}, {@code folder} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }

    /**
     * Opens a data set in this layout.
     *
     * @param root    the data folder
     * @param options the layout's settings; a setting this layout does not take is refused
     * @return the data set (listing its images may still fail, naming the file)
     * @throws IOException if the folder is not a data set in this layout (the message says what it lacks), or
     *                     an option does not apply to it
     */
    public Dataset open(Path root, DatasetOptions options) throws IOException {
        requireFolder(root);
        refuseForeignOptions(root, options);
        Optional<String> lacks = lacks(root, options);
        if (lacks.isPresent()) {
            throw new BadInputException(String.valueOf(root), "not in the " + id() + " layout: " + lacks.get());
        }
        return switch (this) {
            case MVTEC -> MvtecCategory.open(root);
            case MVTEC2 -> Mvtec2Category.open(root, options.split().orElse(Mvtec2Category.PUBLIC));
            case VISA -> VisaCategory.open(root, options.category());
            case FOLDER -> FolderDataset.open(root, options.normal().get(), options.abnormal(), options.masks(),
                    options.normalTest());
        };
    }

    /**
     * Finds the one layout a data folder is in and opens it. The folder layout is the one chosen when the
     * options name its folders; otherwise the folder must be in exactly one of the other layouts.
     *
     * @param root    the data folder
     * @param options the layout's settings
     * @return the data set
     * @throws IOException if the folder matches no layout or several (the message names each layout
     *                     tried and what it lacks, or those that match)
     */
    public static Dataset detect(Path root, DatasetOptions options) throws IOException {
        requireFolder(root);
        if (options.namesFolders()) {
            return FOLDER.open(root, options);
        }
        List<DatasetLayout> matches = new ArrayList<>();
        List<String> misses = new ArrayList<>();
        for (DatasetLayout layout : List.of(MVTEC, MVTEC2, VISA)) {
            Optional<String> lacks = layout.lacks(root, options);
            if (lacks.isEmpty()) {
                matches.add(layout);
            } else {
                misses.add(layout.id() + " " + lacks.get());
            }
        }
        if (matches.size() > 1) {
            throw new BadInputException(String.valueOf(root), "ambiguous layout: it is in the "
                    + String.join(" and the ", matches.stream().map(DatasetLayout::id).toList())
                    + " layouts; choose one with --layout");
        }
        if (matches.isEmpty()) {
            throw new BadInputException(String.valueOf(root), "no known data set layout: " + String.join("; ", misses)
                    + "; folder " + FOLDER.lacks(root, options).orElseThrow());
        }
        return matches.get(0).open(root, options);
    }

    /** @return what the folder lacks to be in this layout, in words; empty if it is in it */
    private Optional<String> lacks(Path root, DatasetOptions options) {
        boolean train = Files.isDirectory(root.resolve("train").resolve(MvtecCategory.GOOD));
        boolean mvtec2Tests = Files.isDirectory(root.resolve(Mvtec2Category.PUBLIC))
                || Files.isDirectory(root.resolve(Mvtec2Category.PRIVATE));
        return switch (this) {
            case MVTEC -> Files.isDirectory(root.resolve("test")) || train && !mvtec2Tests ? Optional.empty()
                    : Optional.of(train ? "lacks test/" : "lacks test/ and train/good/");
            case MVTEC2 -> mvtec2Tests ? Optional.empty()
                    : Optional.of("lacks " + Mvtec2Category.PUBLIC + "/ and " + Mvtec2Category.PRIVATE + "/");
            case VISA -> VisaCategory.findCsv(root).isPresent() ? Optional.empty()
                    : Optional.of("lacks " + VisaCategory.CSV + " (here or in the parent folder)");
            case FOLDER -> options.normal().isPresent() ? Optional.empty()
                    : Optional.of("needs the normal images' folder (--normal DIR)");
        };
    }

    private void refuseForeignOptions(Path root, DatasetOptions options) throws BadInputException {
        List<String> foreign = new ArrayList<>();
        if (this != VISA && options.category().isPresent()) {
            foreign.add("--category");
        }
        if (this != MVTEC2 && options.split().isPresent()) {
            foreign.add("--split");
        }
        if (this != FOLDER && options.namesFolders()) {
            foreign.add("--normal, --abnormal, --masks and --normal-test");
        }
        if (!foreign.isEmpty()) {
            throw new BadInputException(String.valueOf(root), "read in the " + id() + " layout, which takes no "
                    + String.join(" or ", foreign) + " (see docs/DATASETS.md)");
        }
    }

    private static void requireFolder(Path root) throws BadInputException {
        if (!Files.isDirectory(root)) {
            throw new BadInputException(String.valueOf(root), "no such data folder");
        }
    }
}
