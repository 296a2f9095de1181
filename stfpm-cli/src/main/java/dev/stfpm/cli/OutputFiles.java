package dev.stfpm.cli;

import dev.stfpm.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Rules for where a command may write: never onto or into its own inputs, and only into a folder that
 * is new, empty, or written by an earlier run of the same command (marked by {@code .stfpm-<command>}),
 * whose old contents are removed first so that no stale file stays beside new ones.
 */
final class OutputFiles {

    private OutputFiles() {
    }

    /**
     * @param p a path, existing or not
     * @return its real path ({@link Path#toRealPath}) if it exists, else its nearest existing
     *         ancestor's real path with the rest appended, normalised
     */
    static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
        } catch (IOException e) {
            return abs;
        }
    }

    /**
     * Refuses an output that is the input.
     *
     * @param out         the output, as given
     * @param input       an input of the same command, as given
     * @param inputOption how the input was given, e.g. {@code "--teacher"}
     * @throws BadInputException if both are the same file or folder
     */
    static void refuseSame(Path out, Path input, String inputOption) throws BadInputException {
        if (real(out).equals(real(input))) {
            throw new BadInputException(String.valueOf(out), "is also the input " + inputOption + " " + input
                    + "; choose an --out that is not an input");
        }
    }

    /**
     * Refuses an output that lies inside an input folder.
     *
     * @param out         the output, as given
     * @param folder      an input folder of the same command, as given
     * @param inputOption how the folder was given
     * @throws BadInputException if {@code out} is {@code folder} or lies inside it
     */
    static void refuseInside(Path out, Path folder, String inputOption) throws BadInputException {
        if (real(out).startsWith(real(folder))) {
            throw new BadInputException(String.valueOf(out), "lies inside the input " + inputOption + " " + folder
                    + "; choose an --out outside it");
        }
    }

    /**
     * Refuses an output folder that holds an input (its old contents may be removed).
     *
     * @param out         the output folder, as given
     * @param input       an input file or folder of the same command, as given
     * @param inputOption how the input was given
     * @throws BadInputException if {@code input} is {@code out} or lies inside it
     */
    static void refuseHolding(Path out, Path input, String inputOption) throws BadInputException {
        if (real(input).startsWith(real(out))) {
            throw new BadInputException(String.valueOf(out), "holds the input " + inputOption + " " + input
                    + "; choose an --out that holds no input");
        }
    }

    /** @return the marker file's name for a command */
    static String marker(String command) {
        return ".stfpm-" + command;
    }

    /**
     * Checks, without changing anything, that {@code dir} may become {@code command}'s output folder:
     * it does not exist, or is a folder that is empty or holds {@link #marker}.
     *
     * @throws BadInputException naming the folder and the problem otherwise
     */
    static void checkFolder(Path dir, String command) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadInputException(String.valueOf(dir), "is a file; --out takes a folder");
        }
        if (Files.isDirectory(dir) && !isEmpty(dir) && !Files.exists(dir.resolve(marker(command)))) {
            throw new BadInputException(String.valueOf(dir), "is not empty and was not written by 'stfpm " + command
                    + "'; choose another --out (a new or empty folder)");
        }
    }

    /**
     * Makes {@code dir} an empty folder to write into, marked as {@code command}'s: creates it, or
     * empties it if an earlier run of {@code command} wrote it; any other non-empty folder is
     * refused, so nothing a user made is deleted.
     *
     * @throws BadInputException if {@link #checkFolder} refuses it
     */
    static void prepareFolder(Path dir, String command) throws IOException {
        checkFolder(dir, command);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    if (!p.equals(dir)) {
                        Files.delete(p);
                    }
                }
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(marker(command)),
                "written by 'stfpm " + command + "'; a new run replaces this folder's contents\n");
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
