package dev.stfpm.core.data;

import dev.stfpm.core.BadInputException;
import dev.stfpm.core.image.ImageFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every layout's test list guarantees beyond MVTec AD's own folders: distinct names within a defect
 * type (so distinct map paths), an order that does not depend on the file system, and masks of their
 * images' size.
 */
final class TestImages {

    private TestImages() {
    }

    /**
     * Keeps each image's name (its file name without extension) unless another image of its defect type
     * has the same; those are named by their file name with extension ({@code a.png}, {@code a.jpg}), as
     * {@code stfpm predict} names colliding maps.
     *
     * @param images test images named by their stems
     * @return the same images with distinct names per defect type, by defect type then name
     * @throws BadInputException if two images of one defect type have the same file name in different folders
     */
    static List<TestImage> distinct(List<TestImage> images) throws BadInputException {
        Map<String, Integer> count = new HashMap<>();
        images.forEach(t -> count.merge(t.defect() + "/" + t.name(), 1, Integer::sum));
        Map<String, Path> seen = new HashMap<>();
        List<TestImage> out = new ArrayList<>(images.size());
        for (TestImage t : images) {
            String name = count.get(t.defect() + "/" + t.name()) > 1 ? t.image().getFileName().toString() : t.name();
            Path other = seen.putIfAbsent(t.defect() + "/" + name, t.image());
            if (other != null) {
                throw new BadInputException(String.valueOf(t.image()), "has the same file name as " + other
                        + ", another " + t.defect() + " test image: their maps would collide; rename one");
            }
            out.add(new TestImage(t.image(), t.defect(), name, t.mask(), t.labelled()));
        }
        out.sort(Comparator.comparing(TestImage::defect).thenComparing(TestImage::name));
        return out;
    }

    /**
     * Checks a mask against its image, from their headers.
     *
     * @param image the image file
     * @param mask  its mask
     * @throws IOException if either cannot be read, or their sizes differ (the message names the mask)
     */
    static void checkMaskSize(Path image, Path mask) throws IOException {
        ImageFiles.Size m = ImageFiles.size(mask, "ground-truth mask");
        ImageFiles.Size i = ImageFiles.size(image, "image");
        if (!m.equals(i)) {
            throw new BadInputException(String.valueOf(mask), "mask is " + m.width() + "x" + m.height()
                    + " pixels, but its image " + image + " is " + i.width() + "x" + i.height());
        }
    }
}
