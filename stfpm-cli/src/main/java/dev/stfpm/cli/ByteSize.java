package dev.stfpm.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/**
 * A number of bytes as a user writes it: {@code 0}, {@code 512m}, {@code 2g}, {@code 1.5t} (binary
 * units: k = 1024, m = 1024², g = 1024³, t = 1024⁴; a trailing {@code b} or {@code ib} is allowed).
 */
final class ByteSize implements ITypeConverter<Long> {

    private static final String UNITS = "kmgt";

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    /**
     * @param value the size
     * @return its bytes
     * @throws IllegalArgumentException if it is not a size, is negative, or is over {@code Long.MAX_VALUE} bytes
     */
    static long parse(String value) {
        String s = value.trim().toLowerCase(Locale.ROOT).replaceFirst("i?b$", "");
        int unit = s.isEmpty() ? -1 : UNITS.indexOf(s.charAt(s.length() - 1));
        String number = unit >= 0 ? s.substring(0, s.length() - 1) : s;
        double bytes;
        try {
            bytes = Double.parseDouble(number) * Math.pow(1024, unit + 1);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size such as 0, 512m or 2g: " + value);
        }
        if (!number.matches("[0-9]+(\\.[0-9]*)?") || !(bytes < Long.MAX_VALUE)) {
            throw new IllegalArgumentException("not a size such as 0, 512m or 2g: " + value);
        }
        return (long) bytes;
    }

    /**
     * @param bytes a number of bytes
     * @return it in the units {@link #parse} reads, GiB or MiB, one decimal, for a message
     */
    static String format(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
