package io.hubroute.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.config.Durations;
import io.hubroute.config.JobConfigLoader;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The routing module reads job.yaml without Flink or Kafka on its classpath, so it keeps two facts
 * of theirs itself: Flink's duration syntax and Kafka's secret-typed consumer settings. Here, where
 * both libraries are present, they are checked against the libraries.
 */
class FlinkAndKafkaAgreementTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "0", "1500", "10ms", "10 ms", "5s", "5 sec", "5 secs", "5 second", "5 seconds",
                "5min", "5m", "5 minute", "5 minutes", "1h", "1 hour", "2 hours", "1d", "1 day",
                "3 days", "7µs", "7 micro", "9ns", "9 nanos", "PT10S", "PT1M30S", " 4 s ", "10 MS",
                "10 Min", "2H"
            })
    void durationsAreReadAsFlinksTimeUtilsReadsThem(String text) {
        Duration flink = TimeUtils.parseDuration(text);
        assertThat(Durations.parse(text)).isEqualTo(flink);
    }

    @ParameterizedTest
    @ValueSource(strings = {"often", "5 mins", "-1s", "1.5s", "s", "10 fortnights", ""})
    void durationsFlinkRefusesAreRefused(String text) {
        assertThatThrownBy(() -> TimeUtils.parseDuration(text))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secretKafkaPropertiesAreKafkasPasswordTypedConsumerSettings() {
        Set<String> passwords = new TreeSet<>();
        for (ConfigDef.ConfigKey key : ConsumerConfig.configDef().configKeys().values()) {
            if (key.type == ConfigDef.Type.PASSWORD) {
                passwords.add(key.name);
            }
        }
        assertThat(passwords).isNotEmpty();
        assertThat(new TreeSet<>(JobConfigLoader.SECRET_KAFKA_PROPERTIES)).isEqualTo(passwords);
    }
}
