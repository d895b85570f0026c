package io.hubroute.job.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hubroute.sink.blob.internal.BlobNameFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ArchiveSelectionTest {
    private static final String IOT_HUB = "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}";
    private static final String CAPTURE =
            "{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}";

    private static Instant at(String text) {
        return text == null ? null : Instant.parse(text);
    }

    static Stream<Arguments> blobsAndRanges() {
        return Stream.of(
                // blob 10:15 holds [10:15, 10:16)
                Arguments.of(
                        IOT_HUB,
                        "hub/0/2024/03/05/10/15",
                        "2024-03-05T10:15:00Z",
                        "2024-03-05T10:16:00Z",
                        true),
                Arguments.of(
                        IOT_HUB, "hub/0/2024/03/05/10/15", "2024-03-05T10:15:59.999Z", null, true),
                Arguments.of(
                        IOT_HUB, "hub/0/2024/03/05/10/15", "2024-03-05T10:16:00Z", null, false),
                Arguments.of(
                        IOT_HUB, "hub/0/2024/03/05/10/15", null, "2024-03-05T10:15:00Z", false),
                Arguments.of(
                        IOT_HUB, "hub/0/2024/03/05/10/15", null, "2024-03-05T10:15:00.001Z", true),
                Arguments.of(IOT_HUB, "hub/0/2024/03/05/10/15", null, null, true),
                // hubroute's suffix for later blobs of the same minute
                Arguments.of(
                        IOT_HUB, "hub/0/2024/03/05/10/15_1_3", "2024-03-05T10:16:00Z", null, false),
                Arguments.of(
                        IOT_HUB, "hub/0/2024/03/05/10/15_1_3", "2024-03-05T10:15:30Z", null, true),
                // the hub name escaped as hubroute escapes it
                Arguments.of(
                        IOT_HUB,
                        "my%20hub%2F%2E%2E/12/2024/03/05/10/15",
                        "2024-03-05T11:00:00Z",
                        null,
                        false),
                // names without a time are kept
                Arguments.of(IOT_HUB, "README.txt", "2030-01-01T00:00:00Z", null, true),
                Arguments.of(IOT_HUB, "hub/0/2024/13/05/10/15", "2030-01-01T00:00:00Z", null, true),
                Arguments.of(null, "hub/0/2024/03/05/10/15", "2030-01-01T00:00:00Z", null, true),
                // coarser formats: an hour, a day
                Arguments.of(
                        "{iothub}/{YYYY}-{MM}-{DD}/{HH}/{partition}",
                        "hub/2024-03-05/10/0",
                        "2024-03-05T10:59:00Z",
                        null,
                        true),
                Arguments.of(
                        "{iothub}/{YYYY}-{MM}-{DD}/{HH}/{partition}",
                        "hub/2024-03-05/10/0",
                        "2024-03-05T11:00:00Z",
                        null,
                        false),
                Arguments.of(
                        "{YYYY}{MM}{DD}/{iothub}/{partition}",
                        "20240305/hub/1",
                        "2024-03-05T23:59:59Z",
                        null,
                        true),
                Arguments.of(
                        "{YYYY}{MM}{DD}/{iothub}/{partition}",
                        "20240305/hub/1",
                        "2024-03-06T00:00:00Z",
                        null,
                        false),
                // Capture: a second, and its .avro
                Arguments.of(
                        CAPTURE,
                        "ns/hub/3/2024/03/05/10/15/30.avro",
                        "2024-03-05T10:15:31Z",
                        null,
                        false),
                Arguments.of(
                        CAPTURE,
                        "ns/hub/3/2024/03/05/10/15/30.avro",
                        "2024-03-05T10:15:30.500Z",
                        null,
                        true));
    }

    @ParameterizedTest(name = "{0}: {1} in [{2}, {3}) = {4}")
    @MethodSource("blobsAndRanges")
    void selectsBlobsWhoseNamedTimeCanOverlapTheRange(
            String format, String blob, String start, String end, boolean selected) {
        ArchiveSelection selection = ArchiveSelection.of(format, at(start), at(end), Duration.ZERO);

        assertThat(selection.selects(blob)).isEqualTo(selected);
    }

    @Test
    void theDefaultSlackKeepsBlobsABatchAway() {
        ArchiveSelection selection =
                ArchiveSelection.of(
                        IOT_HUB, at("2024-03-05T10:30:00Z"), at("2024-03-05T11:00:00Z"));

        // IoT Hub may put up to 12 minutes after 10:15 into the blob named 10:15.
        assertThat(selection.selects("hub/0/2024/03/05/10/15")).isTrue();
        assertThat(selection.selects("hub/0/2024/03/05/10/14")).isFalse();
        assertThat(selection.selects("hub/0/2024/03/05/11/14")).isTrue();
        assertThat(selection.selects("hub/0/2024/03/05/11/15")).isFalse();
    }

    @Test
    void selectKeepsTheSelectedBlobsSortedByName() {
        ArchiveSelection selection =
                ArchiveSelection.of(
                        IOT_HUB,
                        at("2024-03-05T10:15:00Z"),
                        at("2024-03-05T10:17:00Z"),
                        Duration.ZERO);

        List<ArchiveBlob> selected =
                selection.select(
                        List.of(
                                new ArchiveBlob("hub/1/2024/03/05/10/16", 10),
                                new ArchiveBlob("hub/0/2024/03/05/10/17", 20),
                                new ArchiveBlob("hub/0/2024/03/05/10/15", 30),
                                new ArchiveBlob("notes.txt", 40)));

        assertThat(selected)
                .extracting(ArchiveBlob::name)
                .containsExactly("hub/0/2024/03/05/10/15", "hub/1/2024/03/05/10/16", "notes.txt");
    }

    @Test
    void partitionsComeFromTheName() {
        assertThat(ArchiveSelection.of(IOT_HUB, null, null).partitionOf("hub/7/2024/03/05/10/15"))
                .isEqualTo(7);
        assertThat(
                        ArchiveSelection.of(CAPTURE, null, null)
                                .partitionOf("ns/hub/31/2024/03/05/10/15/00.avro"))
                .isEqualTo(31);
        assertThat(ArchiveSelection.of(IOT_HUB, null, null).partitionOf("elsewhere/x")).isZero();
        assertThat(ArchiveSelection.of("{YYYY}/{mm}", null, null).partitionOf("2024/15")).isZero();
        assertThat(ArchiveSelection.all().partitionOf("hub/7/2024/03/05/10/15")).isZero();
    }

    @Test
    void readsEveryNameTheBlobEndpointWrites() {
        BlobNameFormat format = BlobNameFormat.parse(IOT_HUB);
        ArchiveSelection selection = ArchiveSelection.of(IOT_HUB, null, null);
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            long minute = random.nextInt(60 * 24 * 366 * 30);
            int partition = random.nextInt(32);
            String name =
                    BlobNameFormat.blobName(
                            format.resolve("hub name/" + i, partition, minute),
                            random.nextInt(3),
                            random.nextInt(3));

            assertThat(selection.partitionOf(name)).as(name).isEqualTo(partition);
            assertThat(selection.window(name))
                    .as(name)
                    .contains(
                            new ArchiveSelection.NameWindow(
                                    Instant.ofEpochSecond(minute * 60),
                                    Instant.ofEpochSecond(minute * 60 + 60)));
        }
    }

    @Test
    void recordsAreInTheRangeWithItsEndExcluded() {
        ArchiveSelection selection =
                ArchiveSelection.of(null, Instant.ofEpochMilli(1000), Instant.ofEpochMilli(2000));

        assertThat(selection.includesEnqueuedTime(999)).isFalse();
        assertThat(selection.includesEnqueuedTime(1000)).isTrue();
        assertThat(selection.includesEnqueuedTime(1999)).isTrue();
        assertThat(selection.includesEnqueuedTime(2000)).isFalse();
        assertThat(ArchiveSelection.all().includesEnqueuedTime(Long.MAX_VALUE)).isTrue();
    }

    static Stream<Arguments> badSelections() {
        return Stream.of(
                Arguments.of(
                        "{iothub}/{partition}/{yyyy}",
                        null,
                        null,
                        "fileNameFormat '{iothub}/{partition}/{yyyy}' has an unknown token '{yyyy}' at column 22: use IoT Hub's {iothub}, {partition}, {YYYY}, {MM}, {DD}, {HH}, {mm} or Event Hubs Capture's {Namespace}, {EventHub}, {PartitionId}, {Year}, {Month}, {Day}, {Hour}, {Minute}, {Second}"),
                Arguments.of(
                        "{iothub}/{partition",
                        null,
                        null,
                        "fileNameFormat '{iothub}/{partition' has an unknown token '{partition' at column 10: use IoT Hub's {iothub}, {partition}, {YYYY}, {MM}, {DD}, {HH}, {mm} or Event Hubs Capture's {Namespace}, {EventHub}, {PartitionId}, {Year}, {Month}, {Day}, {Hour}, {Minute}, {Second}"),
                Arguments.of(
                        IOT_HUB,
                        "2024-03-05T10:00:00Z",
                        "2024-03-05T10:00:00Z",
                        "start 2024-03-05T10:00:00Z is not before end 2024-03-05T10:00:00Z: give an end after the start (the end is exclusive)"));
    }

    @ParameterizedTest
    @MethodSource("badSelections")
    void badSelectionsSayWhatToFix(String format, String start, String end, String message) {
        assertThatThrownBy(() -> ArchiveSelection.of(format, at(start), at(end)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
