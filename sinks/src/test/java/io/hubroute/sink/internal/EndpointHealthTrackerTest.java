package io.hubroute.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.sink.EndpointHealth;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class EndpointHealthTrackerTest {
    @Test
    void failuresAndSuccessesMoveThroughIotHubStates() {
        EndpointHealthTracker tracker = new EndpointHealthTracker("storage1", null, 3, 2);
        assertThat(tracker.health()).isEqualTo(EndpointHealth.UNKNOWN);
        tracker.recordSuccess();
        assertThat(tracker.health()).isEqualTo(EndpointHealth.HEALTHY);
        tracker.recordFailure(new IOException("connection refused"));
        assertThat(tracker.health()).isEqualTo(EndpointHealth.UNHEALTHY);
        tracker.recordFailure(new IOException("connection refused"));
        assertThat(tracker.health()).isEqualTo(EndpointHealth.UNHEALTHY);
        tracker.recordFailure(new IOException("connection refused"));
        assertThat(tracker.health()).isEqualTo(EndpointHealth.DEAD);
        tracker.recordSuccess();
        assertThat(tracker.health()).isEqualTo(EndpointHealth.DEGRADED);
        tracker.recordSuccess();
        assertThat(tracker.health()).isEqualTo(EndpointHealth.HEALTHY);
    }
}
