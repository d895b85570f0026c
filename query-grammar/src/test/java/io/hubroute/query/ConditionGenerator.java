package io.hubroute.query;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random conditions (mostly well typed, some not) and random messages, from a seed. */
final class ConditionGenerator {
    private static final String[] NUMBERS = {
        "0",
        "1",
        "-1",
        "2.5",
        "21",
        "1e400",
        "-0",
        "0x10",
        "e5",
        "3 / 0",
        "0 / 0",
        "$body.n",
        "$body.neg",
        "$body.big",
        "as_number(severity)",
        "length(level)",
        "abs($body.neg)",
        "$body.arr[1][0]"
    };
    private static final String[] STRINGS = {
        "'critical'",
        "'a'",
        "''",
        "'é😀'",
        "level",
        "severity",
        "nullprop",
        "missing",
        "zone-2",
        "dup",
        "$contentType",
        "{$cid}",
        "$enqueuedTime",
        "$connectionDeviceId",
        "$level",
        "lower(level)",
        "substring(level, 2)",
        "concat(level, 'x')"
    };
    private static final String[] JSONS = {
        "$body.n",
        "$body.str",
        "$body.flag",
        "$body.nul",
        "$body.obj",
        "$body.missing",
        "$body.date",
        "$body.arr[0]",
        "$body.s.temp",
        "$body.s.ok",
        "$twin.tags.site.region",
        "$twin.tags.floor",
        "$twin.properties.reported.battery",
        "$twin.properties.desired.fw",
        "$body.shadow",
        "{$body.shadow}"
    };
    private static final String[] BOOLS = {
        "true",
        "false",
        "null",
        "undefined",
        "is_defined(missing)",
        "is_null($body.nul)",
        "starts_with(level, 'cr')",
        "contains($body.str, 'll')",
        "is_bool($body.flag)",
        "is_number($body.big)"
    };
    private static final String[] COMPARATORS = {"=", "!=", "<>", "<", "<=", ">", ">="};
    private static final String[] ARITHMETIC = {"+", "-", "*", "/", "%"};
    private static final String[] FUNCTIONS = {
        "abs",
        "ceiling",
        "floor",
        "sign",
        "sqrt",
        "square",
        "exp",
        "power",
        "as_number",
        "is_bool",
        "is_defined",
        "is_null",
        "is_number",
        "is_string",
        "concat",
        "length",
        "lower",
        "upper",
        "substring",
        "index_of",
        "starts_with",
        "ends_with",
        "contains"
    };

    private final Random random;

    ConditionGenerator(long seed) {
        this.random = new Random(seed);
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    String condition() {
        return expression(3);
    }

    private String expression(int depth) {
        if (depth == 0) {
            return atom();
        }
        switch (random.nextInt(11)) {
            case 0:
            case 1:
                return operand(depth) + " " + pick(COMPARATORS) + " " + operand(depth);
            case 2:
                return expression(depth - 1)
                        + (random.nextBoolean() ? " AND " : " OR ")
                        + expression(depth - 1);
            case 3:
                return "NOT (" + expression(depth - 1) + ")";
            case 4:
                return operand(depth) + " " + pick(ARITHMETIC) + " " + operand(depth);
            case 5:
                return "(" + operand(depth) + " ?? " + operand(depth) + ")";
            case 6:
                return operand(depth) + " || " + operand(depth);
            case 7:
                return call(depth);
            case 8:
                return "- " + operand(depth);
            case 9:
                return "(" + expression(depth - 1) + ")";
            default:
                return atom();
        }
    }

    private String operand(int depth) {
        return random.nextInt(3) == 0 ? "(" + expression(depth - 1) + ")" : atom();
    }

    private String call(int depth) {
        String function = pick(FUNCTIONS);
        int count = random.nextInt(4) == 0 ? random.nextInt(4) : arity(function);
        StringBuilder call = new StringBuilder(function).append('(');
        for (int i = 0; i < count; i++) {
            call.append(i == 0 ? "" : ", ").append(operand(depth - 1));
        }
        return call.append(')').toString();
    }

    private int arity(String function) {
        switch (function) {
            case "power":
            case "index_of":
            case "starts_with":
            case "ends_with":
            case "contains":
                return 2;
            case "concat":
                return 2 + random.nextInt(2);
            case "substring":
                return 2 + random.nextInt(2);
            default:
                return 1;
        }
    }

    private String atom() {
        switch (random.nextInt(4)) {
            case 0:
                return pick(NUMBERS);
            case 1:
                return pick(STRINGS);
            case 2:
                return pick(JSONS);
            default:
                return pick(BOOLS);
        }
    }

    /** A random variant of the fixture message: bodies, properties and content settings vary. */
    Message message() {
        MessageProperties.Property[] app = {
            new MessageProperties.Property("level", random.nextBoolean() ? "critical" : "normal"),
            new MessageProperties.Property(
                    "severity", pick(new String[] {"4", " 1,250.5 ", "x", "-3"})),
            new MessageProperties.Property("nullprop", null),
            new MessageProperties.Property("zone-2", "a"),
            new MessageProperties.Property("dup", "first"),
            new MessageProperties.Property("DUP", "second"),
        };
        List<MessageProperties.Property> appProperties = new ArrayList<>();
        for (MessageProperties.Property property : app) {
            if (random.nextInt(5) > 0) {
                appProperties.add(property);
            }
        }
        if (random.nextInt(4) == 0) {
            appProperties.add(
                    new MessageProperties.Property(
                            "$body.shadow", random.nextBoolean() ? null : "shadow"));
        }
        if (random.nextInt(4) == 0) {
            appProperties.add(new MessageProperties.Property("$level", "shadowed"));
        }
        String contentType = random.nextInt(8) == 0 ? "text/plain" : "application/json";
        String body =
                switch (random.nextInt(6)) {
                    case 0 ->
                            "{\"n\": 3, \"str\": \"x\", \"flag\": false, \"nul\": 1, \"obj\": null, \"arr\": [true], \"s\": {\"temp\": \"21\"}}";
                    case 1 -> "{\"n\": ";
                    case 2 -> "[1, 2]";
                    default -> Fixtures.BODY;
                };
        return Message.builder(RoutingSource.DEVICE_MESSAGES)
                .systemProperties(
                        random.nextInt(6) == 0
                                ? MessageProperties.of(
                                        "content-type",
                                        contentType,
                                        "content-encoding",
                                        "utf-8",
                                        "cid",
                                        "c")
                                : Fixtures.systemProperties().with("contentType", contentType))
                .appProperties(MessageProperties.of(appProperties))
                .body(body.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    Twin twin() {
        return random.nextInt(4) == 0 ? null : Fixtures.twin();
    }
}
