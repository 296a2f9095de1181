package dev.stfpm.nn.dl4j;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what SameDiff prints straight to {@code System.out} off the application's console: in the
 * first training step, Deeplearning4j's {@code SameDiffOutputLayer.backpropGradient} has SameDiff
 * build the gradient function of the {@code PyramidMatchingLoss} layers ({@code
 * SameDiff.createGradFunction}), which announces every op it differentiates with {@code
 * System.out.println("Added differentiated op ...")}, about 30 lines. Logging settings cannot
 * silence a {@code println}, so {@link #quietly} swaps {@code System.out} around that one call and
 * logs the text at DEBUG instead. With DEBUG enabled for this class the text passes through.
 *
 * <p>Exists only because of Deeplearning4j 1.0.0-M2.1; remove it when SameDiff logs instead.
 */
final class SameDiffConsole {

    private static final Logger LOG = LoggerFactory.getLogger(SameDiffConsole.class);

    private SameDiffConsole() {
    }

    /**
     * Runs a call with {@code System.out} captured (process-wide, for the call's duration only),
     * then logs what it printed at DEBUG. One call at a time, so that two trainings in one JVM (two
     * Spark tasks) cannot leave {@code System.out} captured by restoring each other's capture.
     *
     * @param call the call
     */
    static synchronized void quietly(Runnable call) {
        if (LOG.isDebugEnabled()) {
            call.run();
            return;
        }
        PrintStream before = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            call.run();
        } finally {
            System.setOut(before);
            String text = captured.toString(StandardCharsets.UTF_8).stripTrailing();
            if (!text.isEmpty()) {
                LOG.debug("SameDiff printed:\n{}", text);
            }
        }
    }
}
