package io.hubroute.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One compiled condition serves many threads, each with its own contexts and body-path sets. */
class ConcurrencyTest {
    @Test
    void sharedConditionsGiveTheSameResultsOnEveryThread() throws Exception {
        ConditionGenerator generator = new ConditionGenerator(99);
        List<CompiledCondition> conditions = new ArrayList<>();
        while (conditions.size() < 300) {
            QueryLanguage.compile(generator.condition(), RoutingSource.DEVICE_MESSAGES)
                    .condition()
                    .ifPresent(conditions::add);
        }
        List<Message> messages = new ArrayList<>();
        List<Twin> twins = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            messages.add(generator.message());
            twins.add(generator.twin());
        }
        RouteResult[][] expected = evaluateAll(conditions, messages, twins, 0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<RouteResult[][]>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                runs.add(pool.submit(() -> evaluateAll(conditions, messages, twins, seed)));
            }
            for (Future<RouteResult[][]> run : runs) {
                assertThat(run.get()).isDeepEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Alternates between the union of all paths and each condition's own paths, to churn caches.
     */
    private static RouteResult[][] evaluateAll(
            List<CompiledCondition> conditions,
            List<Message> messages,
            List<Twin> twins,
            int seed) {
        BodyPaths union = BodyPaths.union(conditions);
        RouteResult[][] results = new RouteResult[messages.size()][conditions.size()];
        for (int m = 0; m < messages.size(); m++) {
            MessageContext shared = MessageContext.of(messages.get(m), twins.get(m), union);
            for (int c = 0; c < conditions.size(); c++) {
                CompiledCondition condition = conditions.get(c);
                MessageContext context =
                        (c + m + seed) % 3 == 0
                                ? MessageContext.of(
                                        messages.get(m), twins.get(m), condition.bodyPaths())
                                : shared;
                results[m][c] = condition.evaluate(context);
            }
        }
        return results;
    }
}
