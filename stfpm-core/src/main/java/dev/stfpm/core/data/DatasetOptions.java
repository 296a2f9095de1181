package dev.stfpm.core.data;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a layout needs to know beyond the data folder. Each layout reads the settings it has and
 * refuses those it has not ({@link DatasetLayout#open}).
 *
 * @param category   VisA: the object to read from the split CSV (default: the data folder's name, or the
 *                   CSV's only object)
 * @param split      the test split to read (MVTec AD 2: {@code test_public}, {@code test_private} or
 *                   {@code test_private_mixed}); empty for the layout's labelled test set
 * @param normal     folder layout: the defect-free images, relative to the data folder
 * @param abnormal   folder layout: the defective test images
 * @param masks      folder layout: the masks of the defective images
 * @param normalTest folder layout: defect-free test images; when empty, a share of {@code normal} is held out
 */
public record DatasetOptions(Optional<String> category, Optional<String> split, Optional<Path> normal,
                             Optional<Path> abnormal, Optional<Path> masks, Optional<Path> normalTest) {

    /** No settings: the layout's defaults. */
    public static final DatasetOptions NONE = new DatasetOptions(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    /**
     * @param name the VisA object to read, or {@code null} for the default
     * @return these options with that object
     */
    public DatasetOptions withCategory(String name) {
        return new DatasetOptions(Optional.ofNullable(name), split, normal, abnormal, masks, normalTest);
    }

    /**
     * @param name the test split to read, or {@code null} for the layout's labelled test set
     * @return these options with that split
     */
    public DatasetOptions withSplit(String name) {
        return new DatasetOptions(category, Optional.ofNullable(name), normal, abnormal, masks, normalTest);
    }

    /**
     * The folder layout's folders, each relative to the data folder (or absolute); {@code null} for one not given.
     *
     * @param normalDir     the defect-free images
     * @param abnormalDir   the defective test images
     * @param masksDir      their masks
     * @param normalTestDir defect-free test images
     * @return these options with those folders
     */
    public DatasetOptions withFolders(Path normalDir, Path abnormalDir, Path masksDir, Path normalTestDir) {
        return new DatasetOptions(category, split, Optional.ofNullable(normalDir), Optional.ofNullable(abnormalDir),
                Optional.ofNullable(masksDir), Optional.ofNullable(normalTestDir));
    }

    /** @return whether any of the folder layout's folders is given */
    boolean namesFolders() {
        return normal.isPresent() || abnormal.isPresent() || masks.isPresent() || normalTest.isPresent();
    }
}
