package dev.stfpm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one {@code stfpm} command for the benchmark, its output into a log file, and measures it: in
 * a child JVM ({@link #CHILD_JVM}, {@code stfpm benchmark}) or in this JVM ({@link #IN_PROCESS}, a
 * Spark task of {@code stfpm-spark benchmark}).
 */
@FunctionalInterface
public interface CommandRunner {

    /**
     * What a finished command did.
     *
     * @param exit      its exit code
     * @param seconds   its wall time
     * @param peakBytes the peak resident memory of its process, or 0 where it is not its own or cannot be read
     * @param output    what it printed
     */
    record Result(int exit, double seconds, long peakBytes, String output) {
    }

    /** In a child JVM of its own, so that its time and peak memory are its alone ({@link ChildJvm}). */
    CommandRunner CHILD_JVM = ChildJvm::run;

    /**
     * In this JVM, on the calling thread, with its output (not the libraries' logs) in the log file;
     * peak memory is not its own and reads 0.
     */
    CommandRunner IN_PROCESS = (args, log) -> StfpmCli.runLogged(args, log);

    /**
     * @param args the {@code stfpm} arguments
     * @param log  the file that receives the command's output
     * @return its exit code, wall time, peak memory and output
     * @throws IOException if the command cannot be started or its log written or read
     */
    Result run(List<String> args, Path log) throws IOException;
}
