package io.hubroute.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Message;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import io.hubroute.query.IndexableGenerator.Form;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path must give the reference interpreter's result on generated conditions and messages,
 * and so must an indexable condition's {@link IndexableCondition#resultFor} on its operand's value
 * (what a router answers without evaluating).
 */
class DifferentialTest {
    private static final int CONDITIONS = 20_000;
    private static final int MESSAGES_PER_CONDITION = 4;
    private static final int INDEXABLE_CONDITIONS = 15_000;
    private static final int MESSAGES_PER_INDEXABLE = 8;
    private static final int MESSAGES = 1_000;

    @Test
    void fastPathAgreesWithReferenceInterpreter() {
        ConditionGenerator generator = new ConditionGenerator(20261122L);
        int compiled = 0;
        int indexable = 0;
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
                IndexableCondition form = a.indexable().orElse(null);
                if (form != null) {
                    MessageContext context = MessageContext.of(message, twin, a.bodyPaths());
                    assertThat(form.resultFor(form.operand().read(context)))
                            .as("indexed %s on %s with twin %s", text, message, twin)
                            .isEqualTo(expected);
                    indexable++;
                }
            }
        }
        assertThat(indexable).isGreaterThan(500);
        // The generator must exercise real evaluations of every outcome, or this test proves
        // little.
        assertThat(compiled).isGreaterThan(CONDITIONS / 5);
        assertThat(outcomes[RouteResult.TRUE.ordinal()]).isGreaterThan(1000);
        assertThat(outcomes[RouteResult.FALSE.ordinal()]).isGreaterThan(1000);
        assertThat(outcomes[RouteResult.UNDEFINED.ordinal()]).isGreaterThan(1000);
    }

    @Test
    void indexedFormsAgreeWithReferenceInterpreter() {
        IndexableGenerator generator = new IndexableGenerator(20261201L);
        Message[] messages = new Message[MESSAGES];
        Twin[] twins = new Twin[MESSAGES];
        for (int m = 0; m < MESSAGES; m++) {
            messages[m] = generator.message();
            twins[m] = generator.twin();
        }
        Random random = new Random(7);
        int[][] outcomes = new int[Form.values().length][3];
        for (int i = 0; i < INDEXABLE_CONDITIONS; i++) {
            String text = generator.condition();
            Form form = generator.lastForm();
            CompiledCondition fast =
                    QueryLanguage.compileOrThrow(
                            text, RoutingSource.DEVICE_MESSAGES, Engine.COMPILED);
            CompiledCondition reference =
                    QueryLanguage.compileOrThrow(
                            text, RoutingSource.DEVICE_MESSAGES, Engine.REFERENCE);
            IndexableCondition indexable = fast.indexable().orElse(null);
            assertThat(indexable).as(text).isInstanceOf(formClass(form));
            assertThat(reference.indexable()).as(text).contains(indexable);
            for (int m = 0; m < MESSAGES_PER_INDEXABLE; m++) {
                int pick = random.nextInt(MESSAGES);
                Message message = messages[pick];
                Twin twin = twins[pick];
                RouteResult expected =
                        reference.evaluate(MessageContext.of(message, twin, reference.bodyPaths()));
                MessageContext context = MessageContext.of(message, twin, fast.bodyPaths());
                RouteResult indexed = indexable.resultFor(indexable.operand().read(context));
                assertThat(indexed)
                        .as("%s on %s with twin %s", text, message, twin)
                        .isEqualTo(expected);
                assertThat(fast.evaluate(context)).as(text).isEqualTo(expected);
                outcomes[form.ordinal()][indexed.ordinal()]++;
            }
        }
        // every form must be true, false and undefined often, or this test proves little
        for (Form form : Form.values()) {
            for (RouteResult result : RouteResult.values()) {
                assertThat(outcomes[form.ordinal()][result.ordinal()])
                        .as("%s %s in %s", form, result, Arrays.deepToString(outcomes))
                        .isGreaterThan(500);
            }
        }
    }

    private static Class<?> formClass(Form form) {
        switch (form) {
            case EQUALITY:
                return IndexableCondition.Equality.class;
            case RANGE:
                return IndexableCondition.Range.class;
            case PREFIX:
                return IndexableCondition.Prefix.class;
            default:
                return IndexableCondition.Suffix.class;
        }
    }
}
