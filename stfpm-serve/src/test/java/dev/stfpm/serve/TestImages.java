package dev.stfpm.serve;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Small generated images as PNG bytes: a colour gradient with seeded noise, different for each seed. */
final class TestImages {

    private TestImages() {
    }

    static byte[] png(long seed) {
        Random random = new Random(seed);
        BufferedImage img = new BufferedImage(80, 72, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int r = (3 * x + random.nextInt(40)) & 0xff;
                int g = (3 * y + random.nextInt(40)) & 0xff;
                int b = (int) (seed * 37 + random.nextInt(60)) & 0xff;
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static BufferedImage decode(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
