package dev.stfpm.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@code stfpm} command in a child JVM (same Java, class path and JVM options as this one),
 * its output into a log file, and measures its wall time and peak resident memory, so that each
 * measured figure is that command's alone. Peak memory is the kernel's {@code VmHWM} of the child,
 * read every 200 ms from {@code /proc} (0 where there is no {@code /proc}).
 */
final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * @param args the {@code stfpm} arguments
     * @param log  the file that receives the child's stdout and stderr
     * @return its exit code, wall time, peak memory and output
     * @throws IOException if the child cannot be started or its log read
     */
    static CommandRunner.Result run(List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // not a debugger's agent, and not bin/stfpm's request to write a class-data-sharing archive at exit:
            // each child would write one as it exits, inside the time and memory measured
            if (!option.startsWith("-agentlib") && !option.startsWith("-javaagent") && !option.startsWith("-Xrunjdwp")
                    && !option.startsWith("-XX:ArchiveClassesAtExit")) {
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StfpmCli.class.getName());
        command.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        long start = System.nanoTime();
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path status = Path.of("/proc", Long.toString(child.pid()), "status");
        long peak = 0;
        try {
            while (child.isAlive()) {
                peak = Math.max(peak, peakResident(status));
                child.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            child.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running stfpm " + String.join(" ", args), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new CommandRunner.Result(child.exitValue(), seconds, peak, Files.readString(log));
    }

    /** {@code VmHWM} of a live process in bytes, or 0 if it cannot be read (gone, or no /proc). */
    private static long peakResident(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the child has just exited, or this system has no /proc
        }
        return 0;
    }
}
