package io.hubroute.query;

import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;

/** The message and twin the section tests evaluate against. */
final class Fixtures {
    static final String BODY =
            "{\"s\": {\"temp\": 21, \"ok\": true}, \"n\": 21, \"str\": \"hello\", \"flag\": true,"
                    + " \"nul\": null, \"arr\": [1, [2, 3]], \"date\": \"2024-05-01T08:30:00Z\", \"plainDate\": \"2024-05-01\","
                    + " \"badDate\": \"2024-02-30T00:00:00Z\", \"größe\": 5, \"ms\": \"/Date(1234567890)/\", \"obj\": {},"
                    + " \"dup\": 1, \"dup\": 2, \"big\": 1e400, \"neg\": -7.5, \"padded\": \" 1,250.5 \"}";

    static final String TWIN =
            "{\"tags\": {\"site\": {\"region\": \"emea\"}, \"floor\": \"1\"},"
                    + " \"properties\": {\"desired\": {\"fw\": \"1.0\", \"$version\": 3},"
                    + " \"reported\": {\"battery\": 55, \"$metadata\": {\"x\": 1}}}}";

    private Fixtures() {}

    static MessageProperties systemProperties() {
        return MessageProperties.of(
                "contentType", "application/json",
                "contentEncoding", "utf-8",
                "iothub-connection-device-id", "dev-1",
                "iothub-enqueuedtime", "1494269731851",
                "correlationId", "corr-1",
                "cid", "cid-1");
    }

    static MessageProperties appProperties() {
        return MessageProperties.of(
                "level",
                "critical",
                "severity",
                "4",
                "nullprop",
                null,
                "zone-2",
                "a",
                "TRUE",
                "yes",
                "dup",
                "first",
                "DUP",
                "second",
                "$level",
                "shadowed",
                "$body.shadow",
                "from-property",
                "$body",
                "literal app property",
                "'a'||'b'",
                "x",
                "a!",
                "x",
                "b",
                "x");
    }

    static Message message() {
        return Message.builder(RoutingSource.DEVICE_MESSAGES)
                .systemProperties(systemProperties())
                .appProperties(appProperties())
                .body(BODY)
                .build();
    }

    static Twin twin() {
        return Twin.parse(TWIN);
    }
}
