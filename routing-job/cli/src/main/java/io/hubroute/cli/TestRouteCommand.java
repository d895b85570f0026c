package io.hubroute.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code hubroute test-route}: IoT Hub's "Test route" for one condition, or for a stream of cases
 * in JSON Lines with {@code --jsonl}.
 */
final class TestRouteCommand implements Command {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CACHE_SIZE = 10_000;

    @Override
    public String name() {
        return "test-route";
    }

    @Override
    public String summary() {
        return "evaluate one condition against a message and twin (IoT Hub's Test route)";
    }

    @Override
    public String usage() {
        return String.join(
                "\n",
                "usage: hubroute test-route --condition TEXT [--source DeviceMessages] [--message FILE] [--twin FILE]",
                "       hubroute test-route --jsonl < cases.jsonl",
                "",
                "  --condition TEXT  the routing query, as written in the route",
                "  --source NAME     DeviceMessages (default), TwinChangeEvents, DeviceLifecycleEvents,",
                "                    DeviceConnectionStateEvents, DigitalTwinChangeEvents, DeviceJobLifecycleEvents",
                "  --message FILE    {\"systemProperties\": {...}, \"appProperties\": {...}, \"body\": \"...\" | \"bodyBase64\": \"...\"}",
                "  --twin FILE       {\"tags\": {...}, \"properties\": {\"desired\": {...}, \"reported\": {...}}}",
                "  --jsonl           read one case per line on standard input:",
                "                    {\"id\": ..., \"condition\": \"...\", \"source\": \"...\", \"message\": {...}, \"twin\": {...} | null}",
                "                    and write one result line per case, in order",
                "",
                "Prints {\"result\": \"true\"|\"false\"|\"undefined\", \"details\": {\"compilationErrors\": [...]}}.",
                "Exit code 0; 2 for usage errors.");
    }

    @Override
    public int run(List<String> arguments, InputStream in, PrintStream out, PrintStream err)
            throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        boolean jsonl = false;
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            switch (argument) {
                case "--jsonl":
                    jsonl = true;
                    break;
                case "--condition":
                case "--source":
                case "--message":
                case "--twin":
                    if (i + 1 >= arguments.size()) {
                        throw new UsageException(argument + " needs a value");
                    }
                    options.put(argument, arguments.get(++i));
                    break;
                default:
                    throw new UsageException("unknown option '" + argument + "'");
            }
        }
        if (jsonl) {
            if (!options.isEmpty()) {
                throw new UsageException(
                        "--jsonl reads everything from standard input: drop " + options.keySet());
            }
            runJsonLines(in, out);
            return 0;
        }
        String condition = options.get("--condition");
        if (condition == null) {
            throw new UsageException("--condition is required (or --jsonl)");
        }
        RoutingSource source = InputFiles.source(options.get("--source"));
        Message message;
        Twin twin;
        try {
            String messageFile = options.get("--message");
            String twinFile = options.get("--twin");
            message =
                    messageFile == null
                            ? Message.builder(source).build()
                            : InputFiles.message(Path.of(messageFile), source);
            twin = InputFiles.twin(twinFile == null ? null : Path.of(twinFile));
        } catch (InputFiles.InvalidInputException e) {
            throw new UsageException(e.getMessage());
        }
        CompilationResult compiled = QueryLanguage.compile(condition, source);
        ObjectNode response = evaluate(compiled, message, twin, err);
        out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(response));
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
