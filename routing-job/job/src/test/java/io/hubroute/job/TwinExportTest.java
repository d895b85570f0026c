package io.hubroute.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.twin.TwinState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinExportTest {
    private static final String KEY = "c2VjcmV0LWtleS1mb3ItdGhlLWRldmljZQ==";

    @TempDir Path work;

    @Test
    void keepsTagsAndPropertiesOfDevicesAndModules() throws Exception {
        Path file =
                Files.writeString(
                        work.resolve("devices.jsonl"),
                        String.join(
                                "\n",
                                "{\"id\":\"d1\",\"eTag\":\"MA==\",\"status\":\"enabled\",\"authentication\":{\"symmetricKey\":{\"primaryKey\":\""
                                        + KEY
                                        + "\"}},"
                                        + "\"tags\":{\"site\":\"north\"},\"properties\":{\"desired\":{\"mode\":\"fast\",\"$version\":3},\"reported\":{\"fw\":\"1.2\"}}}",
                                "",
                                "{\"id\":\"d1\",\"moduleId\":\"edge\",\"tags\":{\"role\":\"gateway\"}}",
                                "{\"id\":\"d2\",\"moduleId\":null}",
                                "{\"id\":\"d3\",\"tags\":{\"site\":\"old\"}}",
                                "{\"id\":\"d3\",\"tags\":{\"site\":\"new\"}}",
                                ""));

        Map<String, byte[]> twins = TwinExport.read(file);

        assertThat(twins).containsOnlyKeys("d1", "d1/edge", "d2", "d3");
        assertThat(TwinState.fromBytes(twins.get("d1")))
                .isEqualTo(
                        TwinState.parse(
                                "{\"tags\":{\"site\":\"north\"},\"properties\":{\"desired\":{\"mode\":\"fast\"},\"reported\":{\"fw\":\"1.2\"}}}"));
        assertThat(new String(twins.get("d1"), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain(KEY, "enabled");
        assertThat(TwinState.fromBytes(twins.get("d1/edge")))
                .isEqualTo(TwinState.parse("{\"tags\":{\"role\":\"gateway\"}}"));
        assertThat(TwinState.fromBytes(twins.get("d2"))).isEqualTo(TwinState.empty());
        assertThat(TwinState.fromBytes(twins.get("d3")))
                .isEqualTo(TwinState.parse("{\"tags\":{\"site\":\"new\"}}"));
    }

    @Test
    void errorsNameTheFileAndLineButNotTheContent() throws Exception {
        Path file = work.resolve("devices.jsonl");
        String secretLine =
                "{\"id\":\"d1\",\"authentication\":{\"symmetricKey\":{\"primaryKey\":\""
                        + KEY
                        + "\"}}";
        Map<String, String> cases =
                Map.of(
                        "{\"id\":\"d0\"}\n" + secretLine + "\n",
                        ":2: not JSON (at column",
                        "{\"id\":\"d0\"}\n[1,2]\n",
                        ":2: not a JSON object",
                        "{\"tags\":{},\"authentication\":\"" + KEY + "\"}\n",
                        ":1: no \"id\"",
                        "{\"id\":\"d0\",\"tags\":[\"" + KEY + "\"]}\n",
                        ":1: \"tags\" is not an object");
        for (Map.Entry<String, String> example : cases.entrySet()) {
            Files.writeString(file, example.getKey());
            assertThatThrownBy(() -> TwinExport.read(file))
                    .as(example.getValue())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("twins.exportFile " + file)
                    .hasMessageContaining(example.getValue())
                    .hasMessageNotContaining(KEY);
        }
        assertThatThrownBy(() -> TwinExport.read(work.resolve("missing.jsonl")))
                .hasMessageContaining("missing.jsonl: no such file");
    }
}
