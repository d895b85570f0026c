package io.hubroute.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import org.junit.jupiter.api.Test;

/**
 * The fast path must give the reference interpreter's result on generated conditions and messages.
 */
class DifferentialTest {
    private static final int CONDITIONS = 20_000;
    private static final int MESSAGES_PER_CONDITION = 4;

    @Test
    void fastPathAgreesWithReferenceInterpreter() {
        ConditionGenerator generator = new ConditionGenerator(20261122L);
        int compiled = 0;
        int[] outcomes = new int[3];
        for (int i = 0; i < CONDITIONS; i++) {
            String text = generator.condition();
            CompilationResult fast =
                    QueryLanguage.compile(text, RoutingSource.DEVICE_MESSAGES, Engine.COMPILED);
            CompilationResult reference =
                    QueryLanguage.compile(text, RoutingSource.DEVICE_MESSAGES, Engine.REFERENCE);
            assertThat(fast.diagnostics()).as(text).isEqualTo(reference.diagnostics());
            if (!fast.succeeded()) {
                continue;
            }
            compiled++;
            CompiledCondition a = fast.condition().orElseThrow();
            CompiledCondition b = reference.condition().orElseThrow();
            for (int m = 0; m < MESSAGES_PER_CONDITION; m++) {
                Message message = generator.message();
                Twin twin = generator.twin();
                RouteResult expected = b.evaluate(MessageContext.of(message, twin, b.bodyPaths()));
                RouteResult actual = a.evaluate(MessageContext.of(message, twin, a.bodyPaths()));
                assertThat(actual)
                        .as("%s on %s with twin %s", text, message, twin)
                        .isEqualTo(expected);
                outcomes[actual.ordinal()]++;
            }
        }
        // The generator must exercise real evaluations of every outcome, or this test proves
        // little.
        assertThat(compiled).isGreaterThan(CONDITIONS / 5);
        assertThat(outcomes[RouteResult.TRUE.ordinal()]).isGreaterThan(1000);
        assertThat(outcomes[RouteResult.FALSE.ordinal()]).isGreaterThan(1000);
        assertThat(outcomes[RouteResult.UNDEFINED.ordinal()]).isGreaterThan(1000);
    }
}
