package dev.stfpm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detection of each layout, and the errors of a folder in none, in several, or in another than the one asked. */
class DatasetLayoutTest {

    @TempDir
    Path tmp;

    @Test
    void detectsEachLayoutByWhatItsFolderHolds() throws IOException {
        Path mvtec = tmp.resolve("mvtec");
        TinyImages.image(mvtec.resolve("train/good/000.png"), 32);
        assertThat(DatasetLayout.detect(mvtec, DatasetOptions.NONE).layout()).as("train/good alone").isEqualTo(DatasetLayout.MVTEC);
        TinyImages.image(mvtec.resolve("test/good/000.png"), 32);
        assertThat(DatasetLayout.detect(mvtec, DatasetOptions.NONE)).isEqualTo(new MvtecCategory(mvtec));

        Path mvtec2 = tmp.resolve("mvtec2");
        TinyImages.image(mvtec2.resolve("train/good/000.png"), 32);
        TinyImages.image(mvtec2.resolve("test_public/good/000.png"), 32);
        assertThat(DatasetLayout.detect(mvtec2, DatasetOptions.NONE).layout()).isEqualTo(DatasetLayout.MVTEC2);

        Path visa = tmp.resolve("visa");
        TinyImages.image(visa.resolve("candle/Data/Images/Normal/0000.JPG"), 32);
        Files.createDirectories(visa.resolve("split_csv"));
        Files.writeString(visa.resolve(VisaCategory.CSV), "object,split,label,image,mask\n"
                + "candle,train,normal,candle/Data/Images/Normal/0000.JPG,\n");
        assertThat(DatasetLayout.detect(visa, DatasetOptions.NONE).layout()).isEqualTo(DatasetLayout.VISA);
        assertThat(DatasetLayout.detect(visa.resolve("candle"), DatasetOptions.NONE).layout()).isEqualTo(DatasetLayout.VISA);

        assertThat(DatasetLayout.detect(mvtec, DatasetOptions.NONE.withFolders(Path.of("train/good"), null, null, null))
                .layout()).as("--normal chooses the folder layout").isEqualTo(DatasetLayout.FOLDER);
        assertThat(DatasetLayout.MVTEC2.id()).isEqualTo("mvtec2");
    }

    @Test
    void undetectableFolderNamesEachLayoutTriedAndWhatItLacks() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> DatasetLayout.detect(empty, DatasetOptions.NONE)).isInstanceOf(BadInputException.class)
                .hasMessage(empty + ": no known data set layout: mvtec lacks test/ and train/good/; mvtec2 lacks test_public/"
                        + " and test_private/; visa lacks split_csv/1cls.csv (here or in the parent folder); folder needs"
                        + " the normal images' folder (--normal DIR)");
        assertThatThrownBy(() -> DatasetLayout.detect(tmp.resolve("nope"), DatasetOptions.NONE))
                .isInstanceOf(BadInputException.class).hasMessage(tmp.resolve("nope") + ": no such data folder");
    }

    @Test
    void ambiguousFolderNamesTheLayoutsItMatches() throws IOException {
        Path both = tmp.resolve("both");
        Files.createDirectories(both.resolve("train/good"));
        Files.createDirectories(both.resolve("test"));
        Files.createDirectories(both.resolve("test_public"));
        assertThatThrownBy(() -> DatasetLayout.detect(both, DatasetOptions.NONE)).isInstanceOf(BadInputException.class)
                .hasMessage(both + ": ambiguous layout: it is in the mvtec and the mvtec2 layouts; choose one with --layout");
        assertThat(DatasetLayout.MVTEC2.open(both, DatasetOptions.NONE)).isInstanceOf(Mvtec2Category.class);
    }

    @Test
    void aLayoutAskedForSaysWhatTheFolderLacksAndRefusesOptionsItDoesNotTake() throws IOException {
        Path mvtec = tmp.resolve("mvtec");
        Files.createDirectories(mvtec.resolve("train/good"));
        Files.createDirectories(mvtec.resolve("test"));
        assertThatThrownBy(() -> DatasetLayout.MVTEC2.open(mvtec, DatasetOptions.NONE)).isInstanceOf(BadInputException.class)
                .hasMessage(mvtec + ": not in the mvtec2 layout: lacks test_public/ and test_private/");
        assertThatThrownBy(() -> DatasetLayout.MVTEC.open(mvtec, DatasetOptions.NONE.withSplit("test_private")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("mvtec layout, which takes no --split");
        assertThatThrownBy(() -> DatasetLayout.detect(mvtec, DatasetOptions.NONE.withCategory("candle")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("takes no --category");
        assertThatThrownBy(() -> DatasetLayout.FOLDER.open(mvtec, DatasetOptions.NONE)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("needs the normal images' folder (--normal DIR)");
    }
}
