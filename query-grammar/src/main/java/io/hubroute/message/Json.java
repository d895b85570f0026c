package io.hubroute.message;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson mapper of hubroute, and the few configurations of it the code needs. An
 * ObjectMapper is costly to create and thread-safe once configured; readers and writers derived
 * from it are immutable, so every variant below shares its caches.
 *
 * <pre>{@code
 * JsonNode tree = Json.MAPPER.readTree(bytes);
 * String pretty = Json.PRETTY.writeValueAsString(tree);
 * }</pre>
 */
public final class Json {
    /** Plain Jackson defaults; never reconfigure it (make a reader or writer instead). */
    public static final ObjectMapper MAPPER = JsonMapper.builder().build();

    /** Reads exactly one JSON value: anything after it is an error, as §10 of the spec wants. */
    public static final ObjectReader STRICT =
            MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Reads JSON whose objects must not repeat a key. */
    public static final ObjectReader NO_DUPLICATE_KEYS =
            MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Writes indented JSON, for people to read. */
    public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {}
}
