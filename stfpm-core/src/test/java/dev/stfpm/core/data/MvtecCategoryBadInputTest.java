package dev.stfpm.core.data;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folder problems of a category are {@link BadInputException}s naming the folder. */
class MvtecCategoryBadInputTest {

    @Test
    void folderProblemsAreBadInput(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> MvtecCategory.open(missing)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(missing + ": not a folder");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        MvtecCategory category = MvtecCategory.open(empty);
        assertThatThrownBy(category::testImages).isInstanceOf(BadInputException.class)
                .hasMessageContaining("no test folder");
        Files.createDirectories(empty.resolve("train/good"));
        assertThatThrownBy(category::trainImages).isInstanceOf(BadInputException.class)
                .hasMessageContaining("no training images");
        Files.createDirectories(empty.resolve("test/good"));
        assertThatThrownBy(category::testImages).isInstanceOf(BadInputException.class)
                .hasMessageContaining("no test images");
    }
}
