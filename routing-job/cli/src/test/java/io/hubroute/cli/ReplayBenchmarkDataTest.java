package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bench history: bodies of the asked size that are JSON, times in order within the week. */
class ReplayBenchmarkDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyBodyIsJsonOfExactlyTheAskedSize() throws Exception {
        for (int bodyBytes : new int[] {ReplayBenchmarkData.smallestBody(), 1024, 4099}) {
            ReplayBenchmarkData data = new ReplayBenchmarkData(10_000, bodyBytes, 0);
            for (long index = 0; index < 10_000; index++) {
                String body = data.body(index);

                assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(bodyBytes);
                JsonNode tree = JSON.readTree(body);
                double temperature = tree.get("temperature").asDouble();
                assertThat(temperature).isBetween(5.0, 44.9);
                assertThat(tree.get("humidity").asInt()).isBetween(0, 99);
            }
        }
    }

    @Test
    void messagesAreSpreadOverTheWeekInOrderPerPartition() {
        long end = 1_800_000_000_000L;
        ReplayBenchmarkData data = new ReplayBenchmarkData(1_000, 1024, end);
        long[] last = new long[ReplayBenchmarkData.PARTITIONS];
        for (int index = 0; index < 1_000; index++) {
            long time = data.enqueuedMillis(index);
            int partition = ReplayBenchmarkData.partition(ReplayBenchmarkData.device(index));

            assertThat(time).isBetween(end - ReplayBenchmarkData.SPAN.toMillis(), end - 1);
            assertThat(time).isGreaterThanOrEqualTo(last[partition]);
            last[partition] = time;
        }
        assertThat(data.enqueuedMillis(999) - data.enqueuedMillis(0))
                .isGreaterThan(ReplayBenchmarkData.SPAN.toMillis() * 99 / 100);
    }

    @Test
    void theCandidateRoutesChangeSomeMessagesAndNotOthers() {
        // route9: temperature > 9 in the baseline, > 30 in the candidate; both outcomes occur
        ReplayBenchmarkData data = new ReplayBenchmarkData(1_000, 1024, 0);
        int between = 0;
        int above = 0;
        for (int index = 0; index < 1_000; index++) {
            String body = data.body(index);
            double temperature = Double.parseDouble(body.substring(16, body.indexOf(',')));
            if (temperature > 9 && temperature <= 30) {
                between++;
            } else if (temperature > 30) {
                above++;
            }
        }
        assertThat(between).isGreaterThan(100);
        assertThat(above).isGreaterThan(100);
    }
}
