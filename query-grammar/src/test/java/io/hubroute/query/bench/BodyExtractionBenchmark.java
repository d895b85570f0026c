package io.hubroute.query.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.message.JsonPath;
import io.hubroute.message.Message;
import io.hubroute.query.json.BodySource;
import io.hubroute.query.json.PathExtractor;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading the values at the paths conditions use from a 1 KB body, against a full JSON tree parse.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BodyExtractionBenchmark {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Message message;
    private BodySource body;
    private PathExtractor extractor;

    @Setup
    public void setUp() {
        message = ConditionBenchmark.message();
        body = BodySource.of(message);
        Set<JsonPath> paths = new LinkedHashSet<>();
        for (String path :
                new String[] {
                    "telemetry.temperature", "telemetry.readings[2]", "status.code", "status.text"
                }) {
            paths.add(JsonPath.parseOrNull(path));
        }
        extractor = new PathExtractor(paths);
    }

    @Benchmark
    public Object[] extractPaths() {
        return extractor.extract(body).values();
    }

    @Benchmark
    public JsonNode fullTreeParse() throws IOException {
        return MAPPER.readTree(message.body());
    }
}
