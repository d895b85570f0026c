package io.hubroute.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.job.TwinExport;
import io.hubroute.twin.TwinState;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinExporterTest {
    @TempDir Path work;

    @Test
    void exportLinesAreWhatTwinExportReadsBack() throws Exception {
        Map<String, byte[]> twins = new TreeMap<>();
        twins.put(
                "d-1",
                TwinState.parse(
                                "{\"tags\":{\"site\":\"north\",\"n\":[1,{\"a\":null}]},"
                                        + "\"properties\":{\"desired\":{\"x\":1.5},\"reported\":{\"ok\":true}}}")
                        .toBytes());
        twins.put("d-1/edge", TwinState.parse("{\"tags\":{\"role\":\"edge\"}}").toBytes());
        twins.put("bare", TwinState.empty().toBytes());
        twins.put("d:2.x", TwinState.parse("{\"properties\":{\"reported\":{}}}").toBytes());

        StringWriter out = new StringWriter();
        TwinExporter.write(twins, out);

        assertThat(out.toString())
                .isEqualTo(
                        "{\"id\":\"bare\"}\n"
                                + "{\"id\":\"d-1\",\"tags\":{\"site\":\"north\",\"n\":[1,{\"a\":null}]},"
                                + "\"properties\":{\"desired\":{\"x\":1.5},\"reported\":{\"ok\":true}}}\n"
                                + "{\"id\":\"d-1\",\"moduleId\":\"edge\",\"tags\":{\"role\":\"edge\"}}\n"
                                + "{\"id\":\"d:2.x\",\"properties\":{\"reported\":{}}}\n");
        Path file = Files.writeString(work.resolve("twins.jsonl"), out.toString());
        assertThat(text(TwinExport.read(file))).isEqualTo(text(twins));
    }

    @Test
    void endpointOperatorsAreTheSinksWritersAndCommitters() {
        assertThat(EndpointOperators.endpointOf("hubroute-endpoint-archive")).isEqualTo("archive");
        assertThat(EndpointOperators.endpointOf("Sink Committer: hubroute-endpoint-archive"))
                .isEqualTo("archive");
        assertThat(EndpointOperators.endpointOf("hubroute-route")).isNull();
        assertThat(EndpointOperators.endpointOf("Sink Committer: other")).isNull();
    }

    @Test
    void sizesReadAsPeopleReadThem() {
        assertThat(SavepointReportText.size(512)).isEqualTo("512 B");
        assertThat(SavepointReportText.size(4300)).isEqualTo("4.2 KB");
        assertThat(SavepointReportText.size(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GB");
    }

    private static Map<String, String> text(Map<String, byte[]> twins) {
        Map<String, String> text = new TreeMap<>();
        twins.forEach((key, bytes) -> text.put(key, new String(bytes, StandardCharsets.UTF_8)));
        return text;
    }
}
