package io.hubroute.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.message.Message;
import io.hubroute.message.MessageJson;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every public conformance case (shared/conformance/examples.jsonl), on both engines. */
class ConformanceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static List<JsonNode> cases() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(
                                ConformanceTest.class.getResourceAsStream(
                                        "/conformance/examples.jsonl"),
                                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    cases.add(MAPPER.readTree(line));
                }
            }
        }
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> examples() throws IOException {
        List<JsonNode> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(48);
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode testCase : cases) {
            for (Engine engine : Engine.values()) {
                tests.add(
                        DynamicTest.dynamicTest(
                                testCase.get("id").asText()
                                        + " "
                                        + engine
                                        + ": "
                                        + testCase.get("condition").asText(),
                                () -> check(testCase, engine)));
            }
        }
        return tests.stream();
    }

    private static void check(JsonNode testCase, Engine engine) {
        RoutingSource source =
                RoutingSource.fromName(testCase.get("source").asText()).orElseThrow();
        String expected = testCase.get("expect").asText();
        CompilationResult compiled =
                QueryLanguage.compile(testCase.get("condition").asText(), source, engine);
        if (expected.equals("compile_error")) {
            assertThat(compiled.errors()).isNotEmpty();
            return;
        }
        assertThat(compiled.errors()).isEmpty();
        Message message = MessageJson.parseMessage(testCase.get("message"), source);
        Twin twin = MessageJson.parseTwin(testCase.get("twin"));
        CompiledCondition condition = compiled.condition().orElseThrow();
        MessageContext context = MessageContext.of(message, twin, condition.bodyPaths());
        assertThat(condition.evaluate(context).text()).isEqualTo(expected);
    }
}
