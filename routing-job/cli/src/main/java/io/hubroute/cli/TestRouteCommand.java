package io.hubroute.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubroute.message.Json;
import io.hubroute.message.Message;
import io.hubroute.message.MessageJson;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import io.hubroute.query.CompilationResult;
import io.hubroute.query.CompileError;
import io.hubroute.query.CompiledCondition;
import io.hubroute.query.MessageContext;
import io.hubroute.query.QueryLanguage;
import io.hubroute.query.RouteResult;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hubroute test-route}: IoT Hub's "Test route" for one condition, or for a stream of cases
 * in JSON Lines with {@code --jsonl}.
 */
@Command(
        name = "test-route",
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "evaluate one condition against a message and twin (IoT Hub's Test route)",
            "%nPrints {\"result\": \"true\"|\"false\"|\"undefined\", \"details\": {\"compilationErrors\": [...]}};"
                    + " when the result is undefined, the reason goes to standard error.",
            "%nWith --jsonl, reads one case per line on standard input:",
            "  {\"id\": ..., \"condition\": \"...\", \"source\": \"...\", \"message\": {...}, \"twin\": {...} | null}",
            "and writes one result line per case, in order, with the case's id."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:evaluated (whatever the result)",
            "2:usage error, or an invalid message or twin file"
        })
final class TestRouteCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = Json.MAPPER;
    private static final int CACHE_SIZE = 10_000;

    @Option(
            names = "--condition",
            paramLabel = "TEXT",
            description = {"the condition to test", "(the routing query, as written in the route)"})
    private String condition;

    @Option(
            names = "--source",
            paramLabel = "NAME",
            converter = RoutingSources.class,
            completionCandidates = RoutingSources.class,
            description = {
                "the routing source, in any case: ${COMPLETION-CANDIDATES}",
                "(default DeviceMessages)"
            })
    private RoutingSource source;

    @Option(
            names = "--message",
            paramLabel = "FILE",
            description = {
                "the message file",
                "JSON: {\"systemProperties\": {...}, \"appProperties\": {...}, \"body\": \"...\" | \"bodyBase64\": \"...\"}",
                "(default: a message with no properties and no body)"
            })
    private Path messageFile;

    @Option(
            names = "--twin",
            paramLabel = "FILE",
            description = {
                "the device twin file",
                "JSON: {\"tags\": {...}, \"properties\": {\"desired\": {...}, \"reported\": {...}}}"
            })
    private Path twinFile;

    @Option(
            names = "--jsonl",
            description = "read the cases from standard input, one JSON object per line, instead")
    private boolean jsonl;

    @Mixin private HelpOption help;

    @Spec private CommandSpec spec;

    private final Streams streams;

    TestRouteCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws IOException {
        if (jsonl) {
            List<String> given = new ArrayList<>();
            for (String option : List.of("--condition", "--source", "--message", "--twin")) {
                if (spec.findOption(option).getValue() != null) {
                    given.add(option);
                }
            }
            if (!given.isEmpty()) {
                throw UsageErrors.error(
                        spec,
                        "--jsonl reads every case from standard input: drop "
                                + String.join(", ", given));
            }
            runJsonLines(streams.in(), streams.out());
            return 0;
        }
        if (condition == null) {
            throw UsageErrors.missing(spec, "--condition");
        }
        RoutingSource routingSource = source == null ? RoutingSource.DEVICE_MESSAGES : source;
        Message message;
        Twin twin;
        try {
            message =
                    messageFile == null
                            ? Message.builder(routingSource).build()
                            : InputFiles.message(messageFile, routingSource);
            twin = InputFiles.twin(twinFile);
        } catch (InputFiles.InvalidInputException e) {
            streams.err().println(e.getMessage());
            return 2;
        }
        CompilationResult compiled = QueryLanguage.compile(condition, routingSource);
        ObjectNode response = evaluate(compiled, message, twin, streams.err());
        streams.out().println(Json.PRETTY.writeValueAsString(response));
        return 0;
    }

    /** The Test route response: the result and the compile errors. */
    static ObjectNode evaluate(
            CompilationResult compiled, Message message, Twin twin, PrintStream reasons) {
        ObjectNode response = MAPPER.createObjectNode();
        RouteResult result = RouteResult.FALSE;
        if (compiled.succeeded()) {
            CompiledCondition condition = compiled.condition().orElseThrow();
            MessageContext context = MessageContext.of(message, twin, condition.bodyPaths());
            result = condition.evaluate(context);
            if (result == RouteResult.UNDEFINED && reasons != null) {
                reasons.println("undefined: " + condition.undefinedReason(context));
            }
        }
        response.put("result", result.text());
        ArrayNode errors = response.putObject("details").putArray("compilationErrors");
        for (CompileError error : compiled.diagnostics()) {
            ObjectNode node = errors.addObject();
            node.put("message", error.message());
            node.put("severity", error.severity().text());
            ObjectNode location = node.putObject("location");
            location.putObject("start")
                    .put("line", error.range().start().line())
                    .put("column", error.range().start().column());
            location.putObject("end")
                    .put("line", error.range().end().line())
                    .put("column", error.range().end().column());
        }
        return response;
    }

    private static void runJsonLines(InputStream in, PrintStream out) throws IOException {
        Map<String, CompilationResult> cache =
                new LinkedHashMap<>(256, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(
                            Map.Entry<String, CompilationResult> eldest) {
                        return size() > CACHE_SIZE;
                    }
                };
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        Writer writer =
                new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        String line;
        long lineNumber = 0;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            writer.write(MAPPER.writeValueAsString(answer(line, lineNumber, cache)));
            writer.write('\n');
            if (!reader.ready()) {
                writer.flush();
            }
        }
        writer.flush();
    }

    private static ObjectNode answer(
            String line, long lineNumber, Map<String, CompilationResult> cache) {
        JsonNode request;
        try {
            request = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return error(null, "line " + lineNumber + " is not JSON: " + e.getOriginalMessage());
        }
        JsonNode id = request.isObject() ? request.get("id") : null;
        if (!request.isObject()) {
            return error(null, "line " + lineNumber + " is not a JSON object");
        }
        JsonNode condition = request.get("condition");
        if (condition == null || !condition.isTextual()) {
            return error(id, "line " + lineNumber + " has no \"condition\" string");
        }
        JsonNode sourceNode = request.get("source");
        String sourceName =
                sourceNode == null || sourceNode.isNull() ? "DeviceMessages" : sourceNode.asText();
        RoutingSource source = RoutingSource.fromName(sourceName).orElse(null);
        if (source == null) {
            return error(
                    id,
                    "line "
                            + lineNumber
                            + ": unknown source '"
                            + sourceName
                            + "', use one of "
                            + RoutingSource.acceptedNames());
        }
        Message message;
        Twin twin;
        try {
            message = MessageJson.parseMessage(request.get("message"), source);
            twin = MessageJson.parseTwin(request.get("twin"));
        } catch (IllegalArgumentException e) {
            return error(id, "line " + lineNumber + ": " + e.getMessage());
        }
        String key =
                (source == RoutingSource.TWIN_CHANGE_EVENTS ? "T:" : "O:") + condition.textValue();
        CompilationResult compiled =
                cache.computeIfAbsent(
                        key, k -> QueryLanguage.compile(condition.textValue(), source));
        ObjectNode response = MAPPER.createObjectNode();
        response.set("id", id);
        response.setAll(evaluate(compiled, message, twin, null));
        return response;
    }

    private static ObjectNode error(JsonNode id, String message) {
        ObjectNode response = MAPPER.createObjectNode();
        response.set("id", id);
        response.put("error", message);
        return response;
    }
}
