package io.hubroute.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At parallelism 1 the routing job runs its route operator chained to the decoder, without the
 * shuffle by device (RoutingJobGraphTest checks the graph): its twin state is still keyed by key
 * group, so it holds every twin, and savepoints move between the chained graph and the shuffled one
 * of parallelism 2, either way, with every twin.
 */
class ChainedRouteSavepointITCase {
    @TempDir static Path work;

    @Test
    void theChainedGraphKeepsTwinsAndItsSavepointsRestoreIntoTheShuffledOneAndBack()
            throws Exception {
        Map<String, String> expected = asText(RoutingJobSavepoints.expectedTwins());

        String chained = RoutingJobSavepoints.routingJobSavepoint(work.resolve("chained"), 1, null);
        assertThat(asText(TwinExporter.read(chained))).isEqualTo(expected);

        String shuffled =
                RoutingJobSavepoints.routingJobSavepoint(work.resolve("shuffled"), 2, chained);
        assertThat(asText(TwinExporter.read(shuffled))).isEqualTo(expected);

        String chainedAgain =
                RoutingJobSavepoints.routingJobSavepoint(
                        work.resolve("chained-again"), 1, shuffled);
        assertThat(asText(TwinExporter.read(chainedAgain))).isEqualTo(expected);
    }

    private static Map<String, String> asText(Map<String, byte[]> twins) {
        Map<String, String> text = new TreeMap<>();
        twins.forEach((key, bytes) -> text.put(key, new String(bytes, StandardCharsets.UTF_8)));
        return text;
    }
}
