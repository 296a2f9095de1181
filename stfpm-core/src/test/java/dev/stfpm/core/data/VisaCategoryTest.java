package dev.stfpm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.stfpm.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VisA through its split CSV: choosing the object, the splits, non-binary masks, and a malformed CSV. */
class VisaCategoryTest {

    private static final String HEADER = "object,split,label,image,mask\n";

    @TempDir
    Path tmp;

    private Path root;
    private Path csv;

    @BeforeEach
    void writeVisa() throws IOException {
        root = tmp.resolve("visa");
        csv = root.resolve(VisaCategory.CSV);
        StringBuilder rows = new StringBuilder(HEADER);
        for (String object : List.of("candle", "pcb1")) {
            for (String name : List.of("0000", "0001", "0002")) {
                TinyImages.image(root.resolve(object + "/Data/Images/Normal/" + name + ".JPG"), 32);
                rows.append(object).append(",train,normal,").append(object).append("/Data/Images/Normal/").append(name)
                        .append(".JPG,\n");
            }
        }
        TinyImages.image(root.resolve("candle/Data/Images/Normal/0003.JPG"), 32);
        TinyImages.image(root.resolve("candle/Data/Images/Anomaly/000.JPG"), 32);
        TinyImages.image(root.resolve("candle/Data/Images/Anomaly/001.JPG"), 32);
        TinyImages.mask(root.resolve("candle/Data/Masks/Anomaly/000.png"), 32, 1);
        TinyImages.mask(root.resolve("candle/Data/Masks/Anomaly/001.png"), 32, 37);
        rows.append("candle,test,normal,candle/Data/Images/Normal/0003.JPG,\n")
                .append("candle,test,anomaly,candle/Data/Images/Anomaly/000.JPG,candle/Data/Masks/Anomaly/000.png\n")
                .append("candle,test,anomaly,candle/Data/Images/Anomaly/001.JPG,candle/Data/Masks/Anomaly/001.png\n");
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, rows);
    }

    @Test
    void readsTheObjectsRowsAsTrainingAndTestImages() throws IOException {
        Dataset d = DatasetLayout.detect(root, DatasetOptions.NONE.withCategory("candle"));
        assertThat(d.root()).isEqualTo(root.resolve("candle"));
        assertThat(d.trainImages()).containsExactly(root.resolve("candle/Data/Images/Normal/0000.JPG"),
                root.resolve("candle/Data/Images/Normal/0001.JPG"), root.resolve("candle/Data/Images/Normal/0002.JPG"));
        assertThat(d.validationImages()).isEmpty();
        List<TestImage> tests = d.testImages();
        assertThat(tests).extracting(TestImage::defect, TestImage::name, TestImage::mask).containsExactly(
                tuple("anomaly", "000", Optional.of(root.resolve("candle/Data/Masks/Anomaly/000.png"))),
                tuple("anomaly", "001", Optional.of(root.resolve("candle/Data/Masks/Anomaly/001.png"))),
                tuple("good", "0003", Optional.empty()));
        assertThat(tests.get(2).isGood()).isTrue();
    }

    @Test
    void theObjectDefaultsToTheDataFoldersName() throws IOException {
        VisaCategory fromFolder = (VisaCategory) DatasetLayout.detect(root.resolve("pcb1"), DatasetOptions.NONE);
        assertThat(fromFolder.object()).isEqualTo("pcb1");
        assertThat(fromFolder.root()).isEqualTo(root.resolve("pcb1"));
        assertThat(fromFolder.trainImages()).hasSize(3);
    }

    @Test
    void severalObjectsOrAnUnknownOneAreRefused() {
        assertThatThrownBy(() -> DatasetLayout.detect(root, DatasetOptions.NONE)).isInstanceOf(BadInputException.class)
                .hasMessage(csv + ": holds several objects: choose one of candle, pcb1 (--category)");
        assertThatThrownBy(() -> VisaCategory.open(root, Optional.of("fryum"))).isInstanceOf(BadInputException.class)
                .hasMessage(csv + ": has no rows of the object 'fryum': choose one of candle, pcb1 (--category)");
    }

    @Test
    void aMissingColumnOrFileIsNamedWithItsLine() throws IOException {
        Files.writeString(csv, "object,split,label,image\ncandle,train,normal,candle/Data/Images/Normal/0000.JPG\n");
        assertThatThrownBy(() -> VisaCategory.open(root, Optional.of("candle"))).isInstanceOf(BadInputException.class)
                .hasMessage(csv + ": no 'mask' column in the header 'object,split,label,image' (expected"
                        + " object,split,label,image,mask)");
        Files.writeString(csv, HEADER + "candle,train,normal,candle/Data/Images/Normal/0000.JPG,\n"
                + "candle,test,normal,candle/Data/Images/Normal/9999.JPG,\n");
        assertThatThrownBy(() -> VisaCategory.open(root, Optional.of("candle"))).isInstanceOf(BadInputException.class)
                .hasMessage(csv + ":3: names the image candle/Data/Images/Normal/9999.JPG, but "
                        + root.resolve("candle/Data/Images/Normal/9999.JPG") + " does not exist");
    }

    @Test
    void emptySplitsAndMasksOfAnotherSizeAreRefused() throws IOException {
        TinyImages.mask(root.resolve("candle/Data/Masks/Anomaly/001.png"), 16, 37);
        VisaCategory candle = VisaCategory.open(root, Optional.of("candle"));
        assertThatThrownBy(candle::testImages).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(root.resolve("candle/Data/Masks/Anomaly/001.png") + ": mask is 16x16 pixels");
        assertThatThrownBy(() -> VisaCategory.open(root, Optional.of("pcb1")).testImages())
                .isInstanceOf(BadInputException.class).hasMessage(csv + ": no test images of pcb1 (rows with split test)");
        Files.writeString(csv, HEADER + "candle,test,normal,candle/Data/Images/Normal/0003.JPG,\n");
        assertThatThrownBy(() -> VisaCategory.open(root, Optional.empty()).trainImages())
                .isInstanceOf(BadInputException.class)
                .hasMessage(csv + ": no training images of candle (rows with split train and label normal)");
    }
}
