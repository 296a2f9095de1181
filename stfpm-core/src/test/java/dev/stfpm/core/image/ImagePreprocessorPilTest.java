package dev.stfpm.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ImagePreprocessor#resize} against PIL's bilinear resize, which torchvision's {@code Resize}
 * applies to PIL images: three generated pictures (shrunk from 300×200 and 97×131, enlarged from
 * 40×40) and PIL's 64×64 results, made by {@code pil/make_fixture.py} with Debian's python3-pil
 * 9.4. PIL computes in 8-bit fixed point and rounds after each pass, we keep floats: the results
 * differ by PIL's rounding: at most 1/255 at any pixel, 0.35/255 on average (measured: 0.91 and 0.28).
 */
class ImagePreprocessorPilTest {

    private static final double MAX_ABS = 1.0 / 255;
    private static final double MEAN_ABS = 0.35 / 255;

    @ParameterizedTest
    @ValueSource(strings = {"gradient", "rings", "small"})
    void resizeMatchesPilBilinear(String name) throws Exception {
        float[] ours = new ImagePreprocessor(64).resize(ImagePreprocessor.readRgb(fixture(name + ".png")));
        float[] pil = ImagePreprocessor.readRgb(fixture(name + "_pil64.png")).data();
        assertThat(ours).hasSameSizeAs(pil);
        double max = 0;
        double sum = 0;
        for (int i = 0; i < ours.length; i++) {
            double d = Math.abs(ours[i] - pil[i]);
            max = Math.max(max, d);
            sum += d;
        }
        System.out.printf("%s: max %.2f/255, mean %.3f/255%n", name, max * 255, sum / ours.length * 255);
        assertThat(max).as("%s: largest difference", name).isLessThanOrEqualTo(MAX_ABS);
        assertThat(sum / ours.length).as("%s: mean difference", name).isLessThanOrEqualTo(MEAN_ABS);
    }

    private static Path fixture(String file) throws URISyntaxException {
        return Path.of(ImagePreprocessorPilTest.class.getResource("pil/" + file).toURI());
    }
}
