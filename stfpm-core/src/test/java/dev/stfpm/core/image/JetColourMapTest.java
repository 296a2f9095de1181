package dev.stfpm.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Matplotlib's jet at its landmarks, and clamping outside [0, 1]. */
class JetColourMapTest {

    @Test
    void darkBlueThroughGreenToDarkRed() {
        assertThat(JetColourMap.rgb(0)).isEqualTo(0x000080);
        assertThat(JetColourMap.rgb(0.5)).isEqualTo(0x80FF80);
        assertThat(JetColourMap.rgb(1)).isEqualTo(0x800000);
        assertThat(JetColourMap.rgb(-3)).isEqualTo(JetColourMap.rgb(0));
        assertThat(JetColourMap.rgb(7)).isEqualTo(JetColourMap.rgb(1));
        assertThat(JetColourMap.channel(0.5f)).isEqualTo(128);
    }
}
