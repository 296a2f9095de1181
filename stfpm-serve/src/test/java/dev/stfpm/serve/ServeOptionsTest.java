package dev.stfpm.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServeOptionsTest {

    @Test
    void defaultsListenOnLoopbackWithAWorkerPerCore() {
        ServeOptions options = ServeOptions.defaults();
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(options).isEqualTo(new ServeOptions("127.0.0.1", 8080, cores, 2 * cores, 50L << 20));
        assertThat(options.withWorkers(3).queueCapacity()).isEqualTo(6);
        assertThat(options.withWorkers(3).withQueueCapacity(1).queueCapacity()).isEqualTo(1);
    }

    @Test
    void badValuesAreRefusedWithTheirName() {
        ServeOptions options = ServeOptions.defaults();
        assertThatThrownBy(() -> options.withPort(-1)).hasMessage("port must be 0 (any free port) to 65535: -1");
        assertThatThrownBy(() -> options.withHost(" ")).hasMessage("host must not be empty");
        assertThatThrownBy(() -> options.withWorkers(0)).hasMessage("workers must be at least 1: 0");
        assertThatThrownBy(() -> options.withQueueCapacity(0)).hasMessage("queue capacity must be at least 1: 0");
        assertThatThrownBy(() -> options.withMaxRequestBytes(3L << 30)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("maximum request size must be 1 byte to");
    }
}
