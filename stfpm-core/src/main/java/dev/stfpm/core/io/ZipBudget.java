package dev.stfpm.core.io;

import dev.stfpm.core.BadInputException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * How many bytes the entries of one zip archive (a model file, a training checkpoint, an {@code .npz})
 * may inflate to, together, so that a small crafted archive (a "zip bomb": megabytes that inflate to
 * gigabytes) is refused as bad input instead of filling memory. A reader makes one budget per archive
 * and reads every entry through {@link #entry}; the moment more than the budget has come out, reading
 * throws a {@link BadInputException} naming the archive, the entry and the limit.
 *
 * <p>Not thread-safe: one archive, read on one thread.
 */
public final class ZipBudget {

    private final long maxBytes;
    private final String archive;
    private long used;

    /**
     * @param maxBytes the most bytes all entries may inflate to, together
     * @param archive  the archive's file, for messages
     * @throws IllegalArgumentException if {@code maxBytes} is negative
     */
    public ZipBudget(long maxBytes, String archive) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("a zip budget must be 0 or more bytes: " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.archive = archive;
    }

    /**
     * @param zip  the archive's stream, positioned at an entry's content (a {@code ZipInputStream}
     *             after {@code getNextEntry}); the returned stream does not close it
     * @param name the entry's name, for messages
     * @return the entry's content, failing once the archive's entries together exceed the budget
     */
    public InputStream entry(InputStream zip, String name) {
        String source = archive + ":" + name;
        return new FilterInputStream(zip) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1, source);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    count(n, source);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                count(skipped, source);
                return skipped;
            }

            @Override
            public void close() {
                // the archive's stream stays open for its next entry
            }
        };
    }

    private void count(long n, String source) throws BadInputException {
        used += n;
        if (used > maxBytes) {
            throw new BadInputException(source, "the archive inflates to more than " + maxBytes
                    + " bytes, over the limit for this kind of file (a corrupt file or a zip bomb?)");
        }
    }
}
