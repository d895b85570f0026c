package io.hubroute.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property lookups (names case-insensitive, the last of one name wins; system properties by the
 * first spelling of their row that is present, spec §5) against a plain scan that states the rule,
 * on random property lists: aliases, case variants, duplicates, null values, and lists small enough
 * to be scanned and large enough to be indexed.
 */
class MessageLookupTest {
    private static final String[] NAMES = {
        "messageId",
        "message-id",
        "MESSAGE-ID",
        "contentType",
        "content-type",
        "iothub-content-type",
        "Content-Type",
        "connectionDeviceId",
        "iothub-connection-device-id",
        "IOTHUB-CONNECTION-DEVICE-ID",
        "enqueuedTime",
        "iothub-enqueuedtime",
        "creation-time-utc",
        "iothub-creation-time-utc",
        "creationTime",
        "correlation-id",
        "cid",
        "to",
        "deviceType",
        "DeviceType",
        "level",
        "x-custom",
        "Größe",
        "GRÖSSE"
    };

    private static final String[] QUERIED = {
        SystemPropertyNames.MESSAGE_ID,
        SystemPropertyNames.CONTENT_TYPE,
        SystemPropertyNames.CONNECTION_DEVICE_ID,
        SystemPropertyNames.ENQUEUED_TIME,
        SystemPropertyNames.CREATION_TIME_UTC,
        SystemPropertyNames.CORRELATION_ID,
        SystemPropertyNames.TO,
        "iothub-content-type",
        "CID",
        "deviceType",
        "x-custom",
        "größe",
        "absent"
    };

    @Test
    void systemPropertiesAreFoundAsAScanOfTheirSpellingsFindsThem() {
        Random random = new Random(42);
        for (int round = 0; round < 5_000; round++) {
            List<MessageProperties.Property> entries = randomEntries(random);
            Message message =
                    Message.builder(RoutingSource.DEVICE_MESSAGES)
                            .systemProperties(MessageProperties.of(entries))
                            .build();
            for (String name : QUERIED) {
                Object expected =
                        scanSystem(
                                entries,
                                SystemPropertyNames.foldedSpellings(name),
                                SystemPropertyNames.isEnqueuedTime(name));
                assertThat(message.systemProperty(name))
                        .as("%s in %s", name, entries)
                        .isEqualTo(
                                expected instanceof String
                                        ? java.util.Optional.of(expected)
                                        : java.util.Optional.empty());
                assertThat(
                                message.findSystemProperty(
                                        SystemPropertyNames.foldedSpellings(name),
                                        SystemPropertyNames.isEnqueuedTime(name)))
                        .as("%s in %s", name, entries)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void propertiesAreFoundByFoldedNameTheLastOfOneNameWinning() {
        Random random = new Random(7);
        for (int round = 0; round < 5_000; round++) {
            List<MessageProperties.Property> entries = randomEntries(random);
            MessageProperties properties = MessageProperties.of(entries);
            for (String name : NAMES) {
                String folded = CaseInsensitiveNames.fold(name);
                assertThat(properties.find(folded))
                        .as("%s in %s", name, entries)
                        .isEqualTo(scan(entries, folded));
                assertThat(properties.contains(name))
                        .isEqualTo(scan(entries, folded) != MessageProperties.MISSING);
            }
        }
    }

    @Test
    void everySpellingInAnyCaseHasItsRowsQueryableName() {
        assertThat(SystemPropertyNames.canonicalName("IOTHUB-CONNECTION-DEVICE-ID"))
                .isEqualTo(SystemPropertyNames.CONNECTION_DEVICE_ID);
        assertThat(SystemPropertyNames.canonicalName("iothub-enqueuedtime"))
                .isEqualTo(SystemPropertyNames.ENQUEUED_TIME);
        assertThat(SystemPropertyNames.canonicalName("creationTime"))
                .isEqualTo(SystemPropertyNames.CREATION_TIME_UTC);
        assertThat(SystemPropertyNames.canonicalName("CID"))
                .isEqualTo(SystemPropertyNames.CORRELATION_ID);
        assertThat(SystemPropertyNames.canonicalName("deviceType")).isEqualTo("deviceType");
        assertThat(SystemPropertyNames.isEnqueuedTime("IotHub-EnqueuedTime")).isTrue();
        assertThat(SystemPropertyNames.isEnqueuedTime("creationTime")).isFalse();
    }

    @Test
    void namesMatchTheirFoldedFormOnly() {
        assertThat(CaseInsensitiveNames.matchesFolded("DeviceType", "devicetype")).isTrue();
        assertThat(CaseInsensitiveNames.matchesFolded("GRÖSSE", CaseInsensitiveNames.fold("größe")))
                .isEqualTo(
                        CaseInsensitiveNames.fold("GRÖSSE")
                                .equals(CaseInsensitiveNames.fold("größe")));
        assertThat(CaseInsensitiveNames.matchesFolded("deviceTypes", "devicetype")).isFalse();
        assertThat(CaseInsensitiveNames.matchesFolded("level", "devicetype")).isFalse();
    }

    @Test
    void deviceAndModuleIdsAreReadOnceAndMayBeAbsent() {
        Message message =
                Message.builder(RoutingSource.DEVICE_MESSAGES)
                        .systemProperties(
                                MessageProperties.of("iothub-connection-device-id", "d-1"))
                        .build();
        assertThat(message.deviceId()).contains("d-1");
        assertThat(message.deviceId()).contains("d-1");
        assertThat(message.moduleId()).isEmpty();
        assertThat(message.moduleId()).isEmpty();
    }

    /** 0 to 40 properties: scanned up to 24, indexed above. */
    private static List<MessageProperties.Property> randomEntries(Random random) {
        int count = random.nextInt(41);
        List<MessageProperties.Property> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = NAMES[random.nextInt(NAMES.length)];
            if (random.nextInt(4) == 0) {
                name =
                        random.nextBoolean()
                                ? name.toUpperCase(Locale.ROOT)
                                : name.toLowerCase(Locale.ROOT);
            }
            String value =
                    random.nextInt(8) == 0
                            ? null
                            : random.nextInt(5) == 0
                                    ? Long.toString(1_700_000_000_000L + i)
                                    : "v" + i;
            entries.add(new MessageProperties.Property(name, value));
        }
        return entries;
    }

    /** The rule: the last property whose name folds to {@code folded}. */
    private static Object scan(List<MessageProperties.Property> entries, String folded) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            MessageProperties.Property property = entries.get(i);
            if (CaseInsensitiveNames.fold(property.name()).equals(folded)) {
                return property.value() == null ? MessageProperties.NULL_VALUE : property.value();
            }
        }
        return MessageProperties.MISSING;
    }

    /** The rule for system properties: the first spelling present, in row order. */
    private static Object scanSystem(
            List<MessageProperties.Property> entries,
            List<String> spellings,
            boolean enqueuedTime) {
        for (String spelling : spellings) {
            Object value = scan(entries, spelling);
            if (value != MessageProperties.MISSING) {
                return enqueuedTime && value instanceof String
                        ? Message.renderEnqueuedTime((String) value)
                        : value;
            }
        }
        return MessageProperties.MISSING;
    }
}
