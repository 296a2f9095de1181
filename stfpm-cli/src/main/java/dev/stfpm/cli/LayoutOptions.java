package dev.stfpm.cli;

import dev.stfpm.core.data.Dataset;
import dev.stfpm.core.data.DatasetLayout;
import dev.stfpm.core.data.DatasetOptions;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options that choose a data folder's layout and configure it, shared by {@code train}, {@code test}
 * and {@code evaluate} (a picocli mixin). See docs/DATASETS.md.
 */
final class LayoutOptions {

    @Option(names = "--layout", paramLabel = "LAYOUT",
            description = "data set layout: mvtec, mvtec2, visa or folder (default: detected from the data folder)")
    DatasetLayout layout;

    @Option(names = "--category", paramLabel = "NAME",
            description = "visa: the object to read from split_csv/1cls.csv (default: the data folder's name)")
    String category;

    @Option(names = "--normal", paramLabel = "DIR", description = "folder layout: defect-free images, relative to the data folder")
    Path normal;

    @Option(names = "--abnormal", paramLabel = "DIR", description = "folder layout: defective test images")
    Path abnormal;

    @Option(names = "--masks", paramLabel = "DIR",
            description = "folder layout: a mask per defective image, same stem (or <stem>_mask), any image extension")
    Path masks;

    @Option(names = "--normal-test", paramLabel = "DIR",
            description = "folder layout: defect-free test images (default: a fifth of --normal, picked by a fixed seed)")
    Path normalTest;

    /**
     * Opens the data set in the layout given, or the one detected, and says which in a status line.
     *
     * @param spec  the running command
     * @param data  the data folder
     * @param split the test split to read, or {@code null} for the layout's labelled one
     * @return the data set
     * @throws IOException if the folder is not in that layout, or in no layout or several (the message says why)
     */
    Dataset open(CommandSpec spec, Path data, String split) throws IOException {
        DatasetOptions options = DatasetOptions.NONE.withCategory(category).withSplit(split)
                .withFolders(normal, abnormal, masks, normalTest);
        Dataset dataset = layout != null ? layout.open(data, options) : DatasetLayout.detect(data, options);
        ConsoleProgress.status(spec, "layout: " + dataset.layout().id() + (layout != null ? "" : " (auto-detected)"));
        return dataset;
    }
}
