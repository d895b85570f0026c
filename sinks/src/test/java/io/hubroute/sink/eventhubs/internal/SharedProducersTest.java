package io.hubroute.sink.eventhubs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The endpoints of one broker and settings share one producer while they hold leases on it. */
class SharedProducersTest {
    private static Properties settings(String bootstrap) {
        Properties properties = new Properties();
        properties.setProperty("bootstrap.servers", bootstrap);
        properties.setProperty("linger.ms", "5");
        properties.setProperty("max.block.ms", "1000");
        return properties;
    }

    @Test
    void leasesOfOneSettingShareAProducerThatClosesWithTheLast() {
        int before = SharedProducers.open();
        SharedProducers.Lease first = SharedProducers.lease(settings("127.0.0.1:1"));
        SharedProducers.Lease second = SharedProducers.lease(settings("127.0.0.1:1"));
        SharedProducers.Lease other = SharedProducers.lease(settings("127.0.0.1:2"));

        assertThat(second.producer()).isSameAs(first.producer());
        assertThat(other.producer()).isNotSameAs(first.producer());
        assertThat(SharedProducers.open()).isEqualTo(before + 2);

        first.release();
        first.release(); // twice is once
        assertThat(SharedProducers.open()).isEqualTo(before + 2);
        second.release();
        assertThat(SharedProducers.open()).isEqualTo(before + 1);
        other.release();
        assertThat(SharedProducers.open()).isEqualTo(before);

        // a new lease after the last release gets a new producer
        SharedProducers.Lease again = SharedProducers.lease(settings("127.0.0.1:1"));
        assertThat(again.producer()).isNotSameAs(first.producer());
        again.release();
    }
}
