package dev.stfpm.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What nvcc put on the class path: a PTX file for compute_75 and a fatbin holding sm_80 and sm_90
 * cubins. Skipped, with a message, when the build had no nvcc.
 */
class KernelFilesTest {

    /** {@code fatbinary}'s file magic, and its entry kind for an ELF cubin. */
    private static final int FATBIN_MAGIC = 0xBA55ED50;
    private static final int CUBIN = 2;

    @BeforeAll
    static void requireKernels() {
        if (KernelFilesTest.class.getResource("/dev/stfpm/cuda/anomaly_map.ptx") == null) {
            String reason = "skipped KernelFilesTest: the build made no CUDA kernels (nvcc was not on the PATH)";
            System.out.println("[stfpm] " + reason);
            assumeTrue(false, reason);
        }
    }

    @Test
    void ptxTargetsCompute75AndHoldsBothKernels() throws IOException {
        String ptx = new String(read("anomaly_map.ptx"), StandardCharsets.US_ASCII);
        assertThat(ptx).contains(".target sm_75").contains(".entry feature_distances").contains(".entry anomaly_maps");
    }

    /** Walks the fatbin's entries: a 16-byte file header, then per entry its kind, header size, payload size and arch. */
    @Test
    void fatbinHoldsSm80AndSm90Cubins() throws IOException {
        ByteBuffer fatbin = ByteBuffer.wrap(read("anomaly_map.fatbin")).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(fatbin.getInt(0)).as("magic").isEqualTo(FATBIN_MAGIC);
        int start = Short.toUnsignedInt(fatbin.getShort(6));
        long end = start + fatbin.getLong(8);
        List<Integer> cubins = new ArrayList<>();
        for (int entry = start; entry < end; ) {
            if (fatbin.getShort(entry) == CUBIN) {
                cubins.add(fatbin.getInt(entry + 28));
            }
            entry += fatbin.getInt(entry + 4) + (int) fatbin.getLong(entry + 8);
        }
        assertThat(cubins).containsExactlyInAnyOrder(80, 90);
    }

    private static byte[] read(String name) throws IOException {
        try (InputStream in = KernelFilesTest.class.getResourceAsStream("/dev/stfpm/cuda/" + name)) {
            return in.readAllBytes();
        }
    }
}
