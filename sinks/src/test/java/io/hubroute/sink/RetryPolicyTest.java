package io.hubroute.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void delaysGrowExponentiallyUpToTheMaximum() {
        RetryPolicy policy =
                RetryPolicy.builder()
                        .setInitialDelay(Duration.ofMillis(100))
                        .setMaxDelay(Duration.ofMillis(1000))
                        .setMultiplier(2)
                        .setMaxAttempts(5)
                        .build();
        assertThat(policy.delayMillisAfter(1)).isEqualTo(100);
        assertThat(policy.delayMillisAfter(2)).isEqualTo(200);
        assertThat(policy.delayMillisAfter(4)).isEqualTo(800);
        assertThat(policy.delayMillisAfter(5)).isEqualTo(1000);
        assertThat(policy.delayMillisAfter(Integer.MAX_VALUE)).isEqualTo(1000);
        assertThat(policy.isExhausted(4)).isFalse();
        assertThat(policy.isExhausted(5)).isTrue();
    }

    @Test
    void argumentsAreCheckedAtOnce() {
        assertThatThrownBy(() -> RetryPolicy.builder().setMaxAttempts(0))
                .hasMessage("maxAttempts must be >= 1, got 0");
        assertThatThrownBy(() -> RetryPolicy.builder().setInitialDelay(Duration.ZERO))
                .hasMessage("initialDelay must be at least 1 ms, got 0 ms");
        assertThatThrownBy(() -> RetryPolicy.builder().setMultiplier(0.5))
                .hasMessage("multiplier must be a finite number >= 1.0, got 0.5");
        assertThatThrownBy(
                        () ->
                                RetryPolicy.builder()
                                        .setInitialDelay(Duration.ofSeconds(2))
                                        .setMaxDelay(Duration.ofSeconds(1))
                                        .build())
                .hasMessageContaining("maxDelay (1000 ms) is shorter than initialDelay (2000 ms)");
    }
}
