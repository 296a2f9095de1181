package dev.stfpm.core.data;

import dev.stfpm.core.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One object of VisA, the {@link DatasetLayout#VISA} layout: its split CSV {@value #CSV} (header
 * {@code object,split,label,image,mask}, a row per image) names every image and mask by its path
 * relative to the data folder:
 * <pre>
 * visa/split_csv/1cls.csv
 * visa/candle/Data/Images/Normal/0000.JPG
 * visa/candle/Data/Images/Anomaly/000.JPG
 * visa/candle/Data/Masks/Anomaly/000.png        any non-zero value is a defect pixel
 * </pre>
 * Rows {@code train,normal} are the training images; rows {@code test,normal} the good test images and
 * {@code test,anomaly} the defective ones (defect type {@value #ANOMALY}), with their masks. Rows of
 * other objects, and anomalous training rows (the few-shot CSVs have them), are not read. Every image
 * and mask the object's rows name must exist; masks must have their images' size.
 */
public final class VisaCategory implements Dataset {

    /** The split CSV, relative to the data folder. */
    public static final String CSV = "split_csv/1cls.csv";
    /** The defect type of VisA's anomalous test images. */
    public static final String ANOMALY = "anomaly";

    private static final List<String> COLUMNS = List.of("object", "split", "label", "image", "mask");

    private final Path dataRoot;
    private final Path csv;
    private final String object;
    private final List<Path> train;
    private final List<TestImage> tests;

    private VisaCategory(Path dataRoot, Path csv, String object, List<Path> train, List<TestImage> tests) {
        this.dataRoot = dataRoot;
        this.csv = csv;
        this.object = object;
        this.train = List.copyOf(train);
        this.tests = List.copyOf(tests);
    }

    /**
     * Finds the split CSV of a data folder: VisA's root, or one object's folder in it.
     *
     * @param data the data folder
     * @return {@code data/split_csv/1cls.csv}, else the parent folder's, if either exists
     */
    static Optional<Path> findCsv(Path data) {
        Path here = data.resolve(CSV);
        if (Files.isRegularFile(here)) {
            return Optional.of(here);
        }
        Path parent = data.toAbsolutePath().normalize().getParent();
        return parent != null && Files.isRegularFile(parent.resolve(CSV)) ? Optional.of(parent.resolve(CSV))
                : Optional.empty();
    }

    /**
     * Reads one object's rows of the split CSV.
     *
     * @param data     VisA's root (holding {@value #CSV}), or one object's folder in it
     * @param category the object to read; by default the folder's name when {@code data} is an object's
     *                 folder, else the CSV's only object
     * @return the object
     * @throws IOException if there is no CSV, it lacks a column or has a malformed row, names a file that does not
     *                     exist, or has no rows of the object (the message names the CSV and its line)
     */
    public static VisaCategory open(Path data, Optional<String> category) throws IOException {
        Path csv = findCsv(data).orElseThrow(() -> new BadInputException(String.valueOf(data),
                "no VisA split CSV " + CSV + " here or in the parent folder"));
        Path root = csv.getParent().getParent();
        boolean objectFolder = !csv.equals(data.resolve(CSV));
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new BadInputException(String.valueOf(csv), "empty (expected the header " + String.join(",", COLUMNS) + ")");
        }
        List<String> header = Arrays.stream(lines.get(0).split(",", -1)).map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        int[] at = new int[COLUMNS.size()];
        for (int c = 0; c < at.length; c++) {
            at[c] = header.indexOf(COLUMNS.get(c));
            if (at[c] < 0) {
                throw new BadInputException(String.valueOf(csv), "no '" + COLUMNS.get(c) + "' column in the header '"
                        + lines.get(0) + "' (expected " + String.join(",", COLUMNS) + ")");
            }
        }
        TreeSet<String> objects = new TreeSet<>();
        List<String[]> rows = new ArrayList<>();
        for (int no = 2; no <= lines.size(); no++) {
            String line = lines.get(no - 1);
            if (line.isBlank()) {
                rows.add(null);
                continue;
            }
            String[] fields = line.split(",", -1);
            if (fields.length != header.size()) {
                throw new BadInputException(csv + ":" + no, "expected " + header.size() + " fields, found "
                        + fields.length + " in '" + line + "'");
            }
            String[] row = new String[at.length];
            for (int c = 0; c < at.length; c++) {
                row[c] = fields[at[c]].trim();
            }
            objects.add(row[0]);
            rows.add(row);
        }
        String object = category.orElse(objectFolder ? data.toAbsolutePath().normalize().getFileName().toString()
                : objects.size() == 1 ? objects.first() : null);
        if (object == null || !objects.contains(object)) {
            throw new BadInputException(String.valueOf(csv), (object == null ? "holds several objects"
                    : "has no rows of the object '" + object + "'") + ": choose one of " + String.join(", ", objects)
                    + " (--category)");
        }
        List<Path> train = new ArrayList<>();
        List<TestImage> tests = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            if (row == null || !row[0].equals(object)) {
                continue;
            }
            String where = csv + ":" + (i + 2);
            Path image = existing(root, row[3], where, "image");
            boolean normal = switch (row[2]) {
                case "normal" -> true;
                case "anomaly" -> false;
                default -> throw new BadInputException(where, "label '" + row[2] + "' is neither normal nor anomaly");
            };
            switch (row[1]) {
                case "train" -> {
                    if (normal) {
                        train.add(image);
                    }
                }
                case "test" -> {
                    Optional<Path> mask = normal || row[4].isEmpty() ? Optional.empty()
                            : Optional.of(existing(root, row[4], where, "mask"));
                    tests.add(new TestImage(image, normal ? MvtecCategory.GOOD : ANOMALY, MvtecCategory.stem(image), mask));
                }
                default -> throw new BadInputException(where, "split '" + row[1] + "' is neither train nor test");
            }
        }
        return new VisaCategory(root, csv, object, train, TestImages.distinct(tests));
    }

    private static Path existing(Path root, String relative, String where, String what) throws BadInputException {
        if (relative.isEmpty()) {
            throw new BadInputException(where, "no " + what + " path");
        }
        Path file = root.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(where, "names the " + what + " " + relative + ", but " + file + " does not exist");
        }
        return file;
    }

    @Override
    public DatasetLayout layout() {
        return DatasetLayout.VISA;
    }

    /** @return the object's folder in the data folder, {@code <root>/<object>} */
    @Override
    public Path root() {
        return dataRoot.resolve(object);
    }

    /** @return the split CSV read */
    public Path csv() {
        return csv;
    }

    /** @return the object read */
    public String object() {
        return object;
    }

    /**
     * @return the images of the rows {@code train,normal}, in the CSV's order
     * @throws IOException if there are none
     */
    @Override
    public List<Path> trainImages() throws IOException {
        if (train.isEmpty()) {
            throw new BadInputException(String.valueOf(csv), "no training images of " + object
                    + " (rows with split train and label normal)");
        }
        return train;
    }

    /**
     * @return the images of the rows {@code test,...}: {@code good} and {@value #ANOMALY}, by defect type then name
     * @throws IOException if there are none, or a mask's size differs from its image's
     */
    @Override
    public List<TestImage> testImages() throws IOException {
        if (tests.isEmpty()) {
            throw new BadInputException(String.valueOf(csv), "no test images of " + object + " (rows with split test)");
        }
        for (TestImage t : tests) {
            if (t.mask().isPresent()) {
                TestImages.checkMaskSize(t.image(), t.mask().get());
            }
        }
        return tests;
    }
}
