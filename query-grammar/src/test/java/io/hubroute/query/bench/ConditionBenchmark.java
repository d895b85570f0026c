package io.hubroute.query.bench;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import io.hubroute.query.BodyPaths;
import io.hubroute.query.CompiledCondition;
import io.hubroute.query.Engine;
import io.hubroute.query.MessageContext;
import io.hubroute.query.QueryLanguage;
import io.hubroute.query.RouteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Evaluating N conditions of the kinds IoT Hub users write on one message, including the
 * per-message work (context, body parse): fast path against the reference interpreter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConditionBenchmark {
    @Param({"10", "100", "1000"})
    public int conditions;

    @Param({"COMPILED", "REFERENCE"})
    public Engine engine;

    private List<CompiledCondition> compiled;
    private BodyPaths bodyPaths;
    private Message message;
    private Twin twin;

    /** A mix of property equality, $body comparisons, twin tags and string functions. */
    static List<String> conditionTexts(int count) {
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            switch (i % 5) {
                case 0 -> texts.add("deviceType = 'type-" + i + "'");
                case 1 ->
                        texts.add(
                                "$body.telemetry.temperature > "
                                        + (i % 60)
                                        + " AND level = 'critical'");
                case 2 -> texts.add("$twin.tags.location.building = 'b-" + (i % 50) + "'");
                case 3 ->
                        texts.add(
                                "starts_with($connectionDeviceId, 'sensor-"
                                        + (i % 20)
                                        + "') OR upper(zone) = 'Z-"
                                        + i
                                        + "'");
                default ->
                        texts.add(
                                "$body.telemetry.readings[2] >= "
                                        + (i % 10)
                                        + " AND is_defined($body.status.code)");
            }
        }
        return texts;
    }

    static Message message() {
        StringBuilder body =
                new StringBuilder(
                        "{\"telemetry\": {\"temperature\": 31.5, \"humidity\": 40, \"readings\": [1, 2, 3, 4, 5]},"
                                + " \"status\": {\"code\": 200, \"text\": \"ok\"}, \"padding\": [");
        int i = 0;
        while (body.length() < 980) {
            body.append(i == 0 ? "" : ", ")
                    .append("{\"k\": \"value-")
                    .append(i)
                    .append("\", \"v\": ")
                    .append(i * 1.5)
                    .append('}');
            i++;
        }
        body.append("]}");
        return Message.builder(RoutingSource.DEVICE_MESSAGES)
                .systemProperties(
                        MessageProperties.of(
                                "contentType",
                                "application/json",
                                "contentEncoding",
                                "utf-8",
                                "iothub-connection-device-id",
                                "sensor-7",
                                "messageId",
                                "m-1"))
                .appProperties(
                        MessageProperties.of(
                                "deviceType", "type-35", "level", "critical", "zone", "z-3"))
                .body(body.toString())
                .build();
    }

    @Setup
    public void setUp() {
        compiled = new ArrayList<>();
        for (String text : conditionTexts(conditions)) {
            compiled.add(QueryLanguage.compileOrThrow(text, RoutingSource.DEVICE_MESSAGES, engine));
        }
        bodyPaths = BodyPaths.union(compiled);
        message = message();
        twin =
                Twin.parse(
                        "{\"tags\": {\"location\": {\"building\": \"b-7\"}}, \"properties\": {\"desired\": {}, \"reported\": {}}}");
    }

    @Benchmark
    public int evaluateAll() {
        MessageContext context = MessageContext.of(message, twin, bodyPaths);
        int matched = 0;
        for (CompiledCondition condition : compiled) {
            if (condition.evaluate(context) == RouteResult.TRUE) {
                matched++;
            }
        }
        return matched;
    }
}
