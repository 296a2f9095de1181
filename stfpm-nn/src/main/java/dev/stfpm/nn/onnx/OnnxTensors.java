package dev.stfpm.nn.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import onnx.Onnx.TensorProto;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Decodes ONNX tensors into Java arrays, whichever way they are stored: as {@code raw_data}
 * (little-endian bytes) or in the typed fields ({@code float_data}, {@code double_data}, and
 * {@code int32_data} for float16 and bfloat16), of data type FLOAT, DOUBLE, FLOAT16 or BFLOAT16.
 * Knows nothing of graphs or networks.
 */
final class OnnxTensors {

    private OnnxTensors() {
    }

    /** A tensor that cannot be read as floats; the message says why, beginning with "its …". */
    static final class UnreadableTensorException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableTensorException(String problem) {
            super(problem);
        }
    }

    /**
     * @param t a tensor
     * @return its shape
     */
    static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * A tensor's values as floats, whichever way they are stored.
     *
     * @param t     the tensor
     * @param label what it is, for messages (e.g. {@code weight tensor 'onnx::Conv_193'})
     * @return its values, row-major
     * @throws UnreadableTensorException if its data is external, segmented, of another data type, or
     *                                   does not hold as many values as its shape needs
     */
    static float[] floats(TensorProto t, String label) throws UnreadableTensorException {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            String location = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                    .map(e -> " in '" + e.getValue() + "'").findFirst().orElse("");
            throw new UnreadableTensorException("its " + label + " keeps its data outside the model file (ONNX external"
                    + " data" + location + "), which is not supported: export the model with the weights inside the"
                    + " .onnx file");
        }
        if (t.hasSegment()) {
            throw new UnreadableTensorException("its " + label + " is segmented, which is not supported");
        }
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        int type = t.getDataType();
        ByteString raw = t.getRawData();
        float[] v = new float[(int) n];
        int found;
        switch (type) {
            case TensorProto.DataType.FLOAT_VALUE -> {
                if (!raw.isEmpty()) {
                    found = raw.size() / 4;
                    checkCount(label, n, found, raw.size() % 4);
                    raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                } else {
                    found = t.getFloatDataCount();
                    checkCount(label, n, found, 0);
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getFloatData(i);
                    }
                }
            }
            case TensorProto.DataType.DOUBLE_VALUE -> {
                if (!raw.isEmpty()) {
                    found = raw.size() / 8;
                    checkCount(label, n, found, raw.size() % 8);
                    ByteBuffer bb = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) bb.getDouble(8 * i);
                    }
                } else {
                    found = t.getDoubleDataCount();
                    checkCount(label, n, found, 0);
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) t.getDoubleData(i);
                    }
                }
            }
            case TensorProto.DataType.FLOAT16_VALUE, TensorProto.DataType.BFLOAT16_VALUE -> {
                boolean half = type == TensorProto.DataType.FLOAT16_VALUE;
                if (!raw.isEmpty()) {
                    found = raw.size() / 2;
                    checkCount(label, n, found, raw.size() % 2);
                    ByteBuffer bb = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < n; i++) {
                        int bits = bb.getShort(2 * i) & 0xffff;
                        v[i] = half ? halfToFloat(bits) : bfloat16ToFloat(bits);
                    }
                } else {
                    found = t.getInt32DataCount();
                    checkCount(label, n, found, 0);
                    for (int i = 0; i < n; i++) {
                        int bits = t.getInt32Data(i) & 0xffff;
                        v[i] = half ? halfToFloat(bits) : bfloat16ToFloat(bits);
                    }
                }
            }
            default -> throw new UnreadableTensorException("its " + label + " has data type "
                    + dataTypeName(type) + "; expected FLOAT (or DOUBLE, FLOAT16, BFLOAT16)");
        }
        return v;
    }

    private static void checkCount(String label, long expected, long found, int leftover)
            throws UnreadableTensorException {
        if (expected != found || leftover != 0) {
            throw new UnreadableTensorException("its " + label + " holds " + found + " values"
                    + (leftover != 0 ? " and " + leftover + " stray bytes" : "") + ", its shape needs " + expected
                    + (found == 0 ? " (the data is missing)" : ""));
        }
    }

    /** The name of an ONNX data type number, or the number if ONNX defines none. */
    static String dataTypeName(int type) {
        TensorProto.DataType dt = TensorProto.DataType.forNumber(type);
        return dt == null ? Integer.toString(type) : dt.name();
    }

    /** IEEE 754 binary16 to float. */
    static float halfToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float m = mant * 0x1p-24f; // subnormal (or zero)
            return sign == 0 ? m : -m;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** bfloat16 (the upper half of a binary32) to float. */
    static float bfloat16ToFloat(int bits) {
        return Float.intBitsToFloat(bits << 16);
    }
}
