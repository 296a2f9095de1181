package dev.stfpm.core.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SyntheticSpecTest {

    @Test
    void demoHasTheDocumentedSizes() {
        SyntheticSpec demo = SyntheticSpec.demo();
        assertThat(demo).isEqualTo(new SyntheticSpec(128, 60, 20, 8, 42));
        assertThat(demo.imageCount()).isEqualTo(60 + 20 + 5 * 8);
    }

    @Test
    void withersChangeOneSetting() {
        SyntheticSpec demo = SyntheticSpec.demo();
        assertThat(demo.withImageSize(256)).isEqualTo(new SyntheticSpec(256, 60, 20, 8, 42));
        assertThat(demo.withTrainImages(5)).isEqualTo(new SyntheticSpec(128, 5, 20, 8, 42));
        assertThat(demo.withTestGoodImages(6)).isEqualTo(new SyntheticSpec(128, 60, 6, 8, 42));
        assertThat(demo.withTestImagesPerDefect(7)).isEqualTo(new SyntheticSpec(128, 60, 20, 7, 42));
        assertThat(demo.withSeed(-3)).isEqualTo(new SyntheticSpec(128, 60, 20, 8, -3));
    }

    @Test
    void rejectsInvalidSettingsNamingThem() {
        SyntheticSpec demo = SyntheticSpec.demo();
        assertThatThrownBy(() -> demo.withImageSize(32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("imageSize").hasMessageContaining("32");
        assertThatThrownBy(() -> demo.withImageSize(5000)).hasMessageContaining("imageSize");
        assertThatThrownBy(() -> demo.withTrainImages(0)).hasMessageContaining("trainImages");
        assertThatThrownBy(() -> demo.withTestGoodImages(-1)).hasMessageContaining("testGoodImages");
        assertThatThrownBy(() -> demo.withTestImagesPerDefect(1001)).hasMessageContaining("testImagesPerDefect")
                .hasMessageContaining("1000");
        assertThat(demo.withImageSize(64).withTrainImages(1000).imageSize()).isEqualTo(64);
    }
}
