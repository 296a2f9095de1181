package dev.stfpm.eval;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The pixel metrics' memory bound: refused up front, with what it needs and what there is, never an OutOfMemoryError. */
class PixelSetHeapTest {

    @Test
    void aSetThatFitsIsAccepted() {
        assertThatCode(() -> PixelSet.requireHeapFor(100 * 256 * 256)).doesNotThrowAnyException();
    }

    @Test
    void aSetOverTheHeapIsRefusedSayingWhatItNeedsAndWhatThereIs() {
        long overTheHeap = Runtime.getRuntime().maxMemory() / PixelSet.BYTES_PER_PIXEL + 1;
        assertThatThrownBy(() -> PixelSet.requireHeapFor(overTheHeap)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need").hasMessageContaining("GB of Java heap (8 bytes a pixel)")
                .hasMessageContaining("-Xmx");
        assertThatThrownBy(() -> new PixelSet(overTheHeap)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-Xmx");
    }

    @Test
    void aSetOverTheLimitOfOneArrayIsRefused() {
        assertThatThrownBy(() -> PixelSet.requireHeapFor(Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("over the limit of 2,147,483,639 pixels in one evaluation");
    }
}
