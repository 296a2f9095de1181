package dev.stfpm.eval;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stfpm.core.BadInputException;
import dev.stfpm.core.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad anomaly-map files are {@link BadInputException}s naming the file and the problem. */
class MapFilesBadInputTest {

    @Test
    void badMapsAreBadInputNamingTheFile(@TempDir Path dir) throws IOException {
        Path cube = dir.resolve("cube.npy");
        Npy.write(cube, new float[8], 2, 2, 2);
        assertThatThrownBy(() -> MapFiles.read(cube)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(cube + ": ").hasMessageContaining("expected an HxW anomaly map");

        Path nan = dir.resolve("nan.npy");
        Npy.write(nan, new float[] {0, Float.NaN, 0, 0}, 2, 2);
        assertThatThrownBy(() -> MapFiles.read(nan)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(nan + ": ").hasMessageContaining("NaN");

        Path text = dir.resolve("text.npy");
        Files.writeString(text, "not numpy");
        assertThatThrownBy(() -> MapFiles.read(text)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(text + ": ").hasMessageContaining("bad magic");
    }
}
