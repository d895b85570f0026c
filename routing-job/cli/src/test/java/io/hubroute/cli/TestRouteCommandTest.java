package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestRouteCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path EXAMPLES = ExamplesTest.EXAMPLES.resolve("test-route");

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                Main.run(
                        args,
                        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void evaluatesTheReadmeExample() throws Exception {
        Run run =
                run(
                        "",
                        "test-route",
                        "--condition",
                        "$body.Weather.Temperature > 40",
                        "--message",
                        EXAMPLES.resolve("weather-message.json").toString());
        assertThat(run.exitCode()).isZero();
        JsonNode response = MAPPER.readTree(run.out());
        assertThat(response.get("result").asText()).isEqualTo("true");
        assertThat(response.at("/details/compilationErrors").size()).isZero();
    }

    @Test
    void usesTheTwinFileAndTheSource() throws Exception {
        Run twin =
                run(
                        "",
                        "test-route",
                        "--condition",
                        "$twin.tags.deploymentLocation.building = '43'",
                        "--message",
                        EXAMPLES.resolve("weather-message.json").toString(),
                        "--twin",
                        EXAMPLES.resolve("weather-twin.json").toString());
        assertThat(MAPPER.readTree(twin.out()).get("result").asText()).isEqualTo("true");
        Run noTwin =
                run(
                        "",
                        "test-route",
                        "--condition",
                        "$twin.tags.deploymentLocation.building = '43'",
                        "--message",
                        EXAMPLES.resolve("weather-message.json").toString());
        assertThat(MAPPER.readTree(noTwin.out()).get("result").asText()).isEqualTo("undefined");
        assertThat(noTwin.err()).contains("no twin is known for device 'weather-station-1'");
        Run misuse =
                run(
                        "",
                        "test-route",
                        "--condition",
                        "twin_change_includes(tags.a)",
                        "--source",
                        "devicemessages");
        assertThat(
                        MAPPER.readTree(misuse.out())
                                .at("/details/compilationErrors/0/message")
                                .asText())
                .startsWith(
                        "function 'twin_change_includes' is allowed only on TwinChangeEvents routes");
    }

    @Test
    void reportsCompileErrorsWithIotHubsShape() throws Exception {
        Run run = run("", "test-route", "--condition", "level = 'high' extra");
        assertThat(run.exitCode()).isZero();
        JsonNode response = MAPPER.readTree(run.out());
        assertThat(response.get("result").asText()).isEqualTo("false");
        JsonNode error = response.at("/details/compilationErrors/0");
        assertThat(error.get("message").asText())
                .isEqualTo("unexpected input 'extra' at line 1:16");
        assertThat(error.get("severity").asText()).isEqualTo("error");
        assertThat(error.at("/location/start/line").asInt()).isEqualTo(1);
        assertThat(error.at("/location/start/column").asInt()).isEqualTo(16);
        assertThat(error.at("/location/end/column").asInt()).isEqualTo(21);
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run("", "test-route").exitCode()).isEqualTo(2);
        assertThat(run("", "test-route", "--condition").exitCode()).isEqualTo(2);
        assertThat(run("", "test-route", "--condition", "a = 'b'", "--source", "Nope").err())
                .contains("invalid --source 'Nope': use one of DeviceMessages, TwinChangeEvents,");
        assertThat(
                        run(
                                        "",
                                        "test-route",
                                        "--condition",
                                        "a = 'b'",
                                        "--message",
                                        "/no/such/file.json")
                                .err())
                .contains("file not found: /no/such/file.json");
        assertThat(run("", "no-such-command").exitCode()).isEqualTo(2);
    }

    @Test
    void reportsWhereAMessageFileIsNotJson(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\n  \"body\": oops\n}");
        Run run = run("", "test-route", "--condition", "a = 'b'", "--message", bad.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(bad + ":2:");
    }

    @Test
    void jsonLinesAnswerEveryConformanceCaseInOrder() throws Exception {
        List<String> lines =
                Files.readAllLines(
                        Path.of(
                                "..",
                                "..",
                                "query-grammar",
                                "src",
                                "test",
                                "resources",
                                "conformance",
                                "examples.jsonl"));
        StringBuilder input = new StringBuilder();
        for (String line : lines) {
            input.append(line).append('\n');
        }
        input.append("this is not json\n").append("{\"id\": \"x\", \"message\": {}}\n");
        Run run = run(input.toString(), "test-route", "--jsonl");
        assertThat(run.exitCode()).isZero();
        List<JsonNode> answers = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            answers.add(MAPPER.readTree(line));
        }
        assertThat(answers).hasSize(lines.size() + 2);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode request = MAPPER.readTree(lines.get(i));
            JsonNode answer = answers.get(i);
            assertThat(answer.get("id")).isEqualTo(request.get("id"));
            String expected = request.get("expect").asText();
            String actual =
                    answer.at("/details/compilationErrors").size() > 0
                            ? "compile_error"
                            : answer.get("result").asText();
            assertThat(actual).as(request.get("id").asText()).isEqualTo(expected);
        }
        assertThat(answers.get(lines.size()).get("error").asText())
                .startsWith("line " + (lines.size() + 1) + " is not JSON");
        assertThat(answers.get(lines.size() + 1).get("id").asText()).isEqualTo("x");
        assertThat(answers.get(lines.size() + 1).get("error").asText())
                .contains("has no \"condition\"");
    }
}
