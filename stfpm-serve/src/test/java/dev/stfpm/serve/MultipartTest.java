package dev.stfpm.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void splitsFilesAndFieldsKeepingBytesAndNames() {
        String body = "preamble\r\n--b1\r\nContent-Disposition: form-data; name=\"files\"; filename=\"C:\\\\x\\\\é.png\"\r\n"
                + "Content-Type: image/png\r\n\r\nAB\r\n--b1\r\n\r\nCD\r\n--b1\r\nContent-Disposition: form-data; name=note\r\n\r\n"
                + "text\r\n--b1--\r\n";
        List<Multipart.Part> parts = Multipart.parse("multipart/form-data; boundary=\"b1\"", bytes(body));
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).filename()).isEqualTo("é.png");
        assertThat(parts.get(0).name()).isEqualTo("files");
        assertThat(parts.get(0).content()).isEqualTo(bytes("AB"));
        assertThat(parts.get(1).isFile()).isFalse();
        assertThat(parts.get(1).content()).isEqualTo(bytes("CD"));
        assertThat(parts.get(2).name()).isEqualTo("note");
        assertThat(parts.get(2).isFile()).isFalse();
    }

    @Test
    void malformedBodiesAre400() {
        assertThatThrownBy(() -> Multipart.parse("multipart/form-data", bytes("x")))
                .isInstanceOf(HttpError.class).hasMessage("multipart/form-data without a boundary parameter");
        assertThatThrownBy(() -> Multipart.parse("multipart/form-data; boundary=b", bytes("--b\r\n\r\nno end")))
                .isInstanceOf(HttpError.class).hasMessage("malformed multipart body: the last part has no closing boundary");
        assertThatThrownBy(() -> Multipart.parse("multipart/form-data; boundary=b", bytes("nothing")))
                .isInstanceOf(HttpError.class).hasMessage("multipart body without its boundary");
    }
}
