package io.hubroute.job.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.job.RoutesFileRouter;
import io.hubroute.job.source.DecodedRecord;
import io.hubroute.message.Message;
import io.hubroute.message.MessageProperties;
import io.hubroute.message.RoutingSource;
import io.hubroute.sink.RoutedMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** The route operator on its own, in Flink's operator test harness. */
class RouteFunctionTest {
    private static final String ROUTES =
            String.join(
                    "\n",
                    "hubName: h",
                    "endpoints:",
                    "  serviceBusQueues:",
                    "    - {name: small, connectionString: '${env:Q}', entityPath: q}",
                    "    - {name: big, connectionString: '${env:Q}', entityPath: q}",
                    "routes:",
                    "  - {name: all, source: DeviceMessages, condition: 'true', endpointNames: [small, big]}",
                    "enrichments:",
                    "  - {key: padding, value: '" + "p".repeat(300) + "', endpointNames: [big]}",
                    "");

    @Test
    void aDeliveryOverTheSizeLimitGoesToDiagnosticsWithItsReasonAndTheRestIsDelivered()
            throws Exception {
        Map<String, OutputTag<RoutedMessage>> outputs = new LinkedHashMap<>();
        for (String endpoint : List.of("events", "small", "big")) {
            outputs.put(endpoint, RouteFunction.outputFor(endpoint));
        }
        RouteFunction function =
                new RouteFunction(RoutesFileRouter.factory(ROUTES, "routes.yaml"), outputs);
        try (KeyedOneInputStreamOperatorTestHarness<String, DecodedRecord, RoutedMessage> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(function),
                        DecodedRecord::twinKey,
                        Types.STRING)) {
            harness.open();
            // 256 KB minus a little: fits as sent, not with the big endpoint's enrichment
            Message message =
                    Message.builder(RoutingSource.DEVICE_MESSAGES)
                            .systemProperties(MessageProperties.of("messageId", "m-1"))
                            .body("x".repeat(256 * 1024 - 100))
                            .build();
            harness.processElement(
                    new StreamRecord<>(
                            new DecodedRecord(message, "device-1", null, "d2c", 3, 42, 1000L)));

            assertThat(harness.getSideOutput(outputs.get("small"))).hasSize(1);
            // the delivery's own id: the same whenever this record is delivered to "small" again
            assertThat(harness.getSideOutput(outputs.get("small")).peek().getValue().deliveryId())
                    .isEqualTo("d2c/3/42/small");
            assertThat(harness.getSideOutput(outputs.get("big"))).isNull();
            List<String> diagnostics = new ArrayList<>();
            harness.getSideOutput(RouteFunction.DIAGNOSTICS)
                    .forEach(record -> diagnostics.add(record.getValue()));
            assertThat(diagnostics).hasSize(1);
            assertThat(diagnostics.get(0))
                    .contains("\"endpoint\":\"big\"")
                    .contains("over IoT Hub's limit of 262144 bytes")
                    .contains("\"messageId\":\"m-1\"")
                    .contains("\"deviceId\":\"device-1\"")
                    .contains("\"partition\":3")
                    .contains("\"offset\":42");
        }
    }
}
