package io.hubroute.query;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random conditions of the indexable forms ({@link IndexableCondition}) and random messages whose
 * values at their operands are missing, null, of every JSON kind, numbers as strings, in other
 * cases, shadowed or unreadable, from a seed. Constants and values come from shared pools, so every
 * form is true, false and undefined often.
 */
final class IndexableGenerator {
    /** Application properties, in several spellings, and system properties. */
    static final String[] PROPERTIES = {
        "level",
        "LEVEL",
        "Level",
        "severity",
        "nullprop",
        "missing",
        "$level",
        "{$level}",
        "$connectionDeviceId",
        "{$connectionDeviceId}",
        "$CONNECTIONDEVICEID",
        "$cid",
        "$correlationId",
        "$enqueuedTime",
        "$contentType",
        "$messageId"
    };

    /** {@code $body} and {@code $twin} queries. */
    static final String[] QUERIES = {
        "$body.n",
        "$BODY.n",
        "$body.s.temp",
        "$body.str",
        "$body.flag",
        "$body.nul",
        "$body.missing",
        "$body.arr[0]",
        "$body.shadow",
        "{$body.shadow}",
        "$twin.tags.site",
        "$twin.TAGS.site",
        "$twin.tags.floor",
        "$twin.properties.reported.battery",
        "$twin.properties.desired.fw",
        "{$twin.tags.site}"
    };

    static final String[] TEXTS = {
        "critical",
        "crit",
        "Critical",
        "",
        "21",
        "4",
        "-0",
        "dev-1",
        "dev",
        "é😀",
        "😀",
        "x",
        "true"
    };

    static final String[] NUMBERS = {
        "0", "-0", "21", "21.0", "4", "-7.5", "55", "1e400", "- 1e400", "0x10", "2 * 3", "0.1"
    };

    /** JSON values for the body and the twin: every kind, date-like strings, numbers as text. */
    private static final String[] JSON_VALUES = {
        "0",
        "-0",
        "21",
        "21.0",
        "4",
        "-7.5",
        "55",
        "1e400",
        "-1e400",
        "16",
        "6",
        "0.1",
        "\"21\"",
        "\"critical\"",
        "\"crit\"",
        "\"\"",
        "\"é😀\"",
        "\"x\"",
        "\"x\"",
        "\"critical\"",
        "\"2024-05-01T08:30:00Z\"",
        "true",
        "false",
        "null",
        "{}",
        "[1]"
    };

    private static final String[] RANGES = {"<", "<=", ">", ">="};

    private final Random random;

    IndexableGenerator(long seed) {
        this.random = new Random(seed);
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private String text() {
        return "'" + pick(TEXTS) + "'";
    }

    /** The kinds of {@link #condition()}, for the coverage counts of a test. */
    enum Form {
        EQUALITY,
        RANGE,
        PREFIX,
        SUFFIX
    }

    private Form lastForm;

    Form lastForm() {
        return lastForm;
    }

    /** One indexable condition; {@link #lastForm()} says which form. */
    String condition() {
        lastForm = Form.values()[random.nextInt(Form.values().length)];
        switch (lastForm) {
            case EQUALITY:
                if (random.nextBoolean()) {
                    String property = pick(PROPERTIES);
                    return random.nextBoolean()
                            ? property + " = " + text()
                            : text() + " = " + property;
                } else {
                    String query = pick(QUERIES);
                    String constant =
                            switch (random.nextInt(3)) {
                                case 0 -> text();
                                case 1 -> "(" + pick(NUMBERS) + ")";
                                default -> random.nextBoolean() ? "true" : "false";
                            };
                    return random.nextBoolean()
                            ? query + " = " + constant
                            : constant + " = " + query;
                }
            case RANGE:
                String query = pick(QUERIES);
                String operator = pick(RANGES);
                String number = "(" + pick(NUMBERS) + ")";
                return random.nextBoolean()
                        ? query + " " + operator + " " + number
                        : number + " " + operator + " " + query;
            default:
                String operand = random.nextBoolean() ? pick(PROPERTIES) : pick(QUERIES);
                return (lastForm == Form.PREFIX ? "starts_with(" : "ends_with(")
                        + operand
                        + ", "
                        + text()
                        + ")";
        }
    }

    /** A property value: a text constant, often one the conditions test, or null. */
    private String value() {
        int pick = random.nextInt(TEXTS.length + 6);
        if (pick < TEXTS.length) {
            return TEXTS[pick];
        }
        switch (pick - TEXTS.length) {
            case 0:
                return null;
            case 1:
                return "critical-" + random.nextInt(3);
            case 2:
            case 3:
                return "critical";
            default:
                return "x";
        }
    }

    /** A message whose properties, body and content settings vary at the generated operands. */
    Message message() {
        List<MessageProperties.Property> app = new ArrayList<>();
        for (String name :
                new String[] {"level", "LEVEL", "severity", "nullprop", "$level", "$body.shadow"}) {
            if (random.nextInt(3) > 0) {
                app.add(new MessageProperties.Property(name, value()));
            }
        }
        List<MessageProperties.Property> system = new ArrayList<>();
        system.add(
                new MessageProperties.Property(
                        random.nextBoolean() ? "contentType" : "content-type",
                        random.nextInt(8) == 0 ? "text/plain" : "application/json"));
        system.add(new MessageProperties.Property("contentEncoding", "utf-8"));
        for (String name :
                new String[] {
                    "iothub-connection-device-id",
                    "connectionDeviceId",
                    "cid",
                    "correlationId",
                    "level",
                    "messageId"
                }) {
            if (random.nextInt(3) == 0) {
                system.add(new MessageProperties.Property(name, value()));
            }
        }
        if (random.nextInt(4) == 0) {
            system.add(
                    new MessageProperties.Property(
                            "iothub-enqueuedtime",
                            random.nextBoolean() ? "1494269731851" : "critical"));
        }
        String body;
        if (random.nextInt(10) == 0) {
            body = random.nextBoolean() ? "{\"n\": " : "[1]";
        } else {
            StringBuilder json = new StringBuilder("{");
            for (String key : new String[] {"n", "str", "flag", "nul", "shadow", "arr", "s"}) {
                if (random.nextInt(5) == 0) {
                    continue;
                }
                json.append(json.length() > 1 ? ", " : "").append('"').append(key).append("\": ");
                if (key.equals("arr")) {
                    json.append('[').append(pick(JSON_VALUES)).append(']');
                } else if (key.equals("s")) {
                    json.append("{\"temp\": ").append(pick(JSON_VALUES)).append('}');
                } else {
                    json.append(pick(JSON_VALUES));
                }
            }
            body = json.append('}').toString();
        }
        return Message.builder(RoutingSource.DEVICE_MESSAGES)
                .systemProperties(MessageProperties.of(system))
                .appProperties(MessageProperties.of(app))
                .body(body)
                .build();
    }

    /** A twin with random values at the generated paths, or none. */
    Twin twin() {
        if (random.nextInt(5) == 0) {
            return null;
        }
        return Twin.parse(
                "{\"tags\": {\"site\": "
                        + pick(JSON_VALUES)
                        + ", \"floor\": "
                        + pick(JSON_VALUES)
                        + "}, \"properties\": {\"reported\": {\"battery\": "
                        + pick(JSON_VALUES)
                        + "}, \"desired\": {\"fw\": "
                        + pick(JSON_VALUES)
                        + "}}}");
    }
}
