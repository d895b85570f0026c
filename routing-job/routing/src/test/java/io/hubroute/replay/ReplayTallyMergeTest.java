package io.hubroute.replay;

import static io.hubroute.replay.ReplayFixtures.BUILDING_12;
import static io.hubroute.replay.ReplayFixtures.BUILDING_43;
import static io.hubroute.replay.ReplayFixtures.telemetry;
import static io.hubroute.replay.ReplayFixtures.twinChange;
import static org.assertj.core.api.Assertions.assertThat;

import io.hubroute.message.Twin;
import io.hubroute.replay.ReplayFixtures.Input;
import io.hubroute.replay.ReplayFixtures.Replayer;
import io.hubroute.replay.ReplayReport.Sample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The report of merged tallies does not depend on how the messages were split among them, in which
 * order each saw its messages, in which order they were merged, or whether they went through Java
 * serialization on the way (as a Flink accumulator does).
 */
class ReplayTallyMergeTest {
    private static final int MAX_SAMPLES = 5;
    private static final int MAX_REASONS = 10;
    private static final Instant START = Instant.parse("2024-05-01T00:00:00Z");

    private static final Replayer REPLAYER =
            new Replayer(ReplayFixtures.baseline(), ReplayFixtures.candidate());

    private static List<Event> events;
    private static ReplayReport expected;

    /** One thing a replay reader meets: a message, an undecodable record or an unreadable blob. */
    interface Event {
        void addTo(ReplayTally tally);
    }

    @BeforeAll
    static void generate() {
        events = generate(new Random(20240501));
        ReplayTally whole = newTally();
        for (Event event : events) {
            event.addTo(whole);
        }
        expected = whole.report("generated");
    }

    private static ReplayTally newTally() {
        return ReplayTally.create(
                ReplayFixtures.baseline(), ReplayFixtures.candidate(), MAX_SAMPLES, MAX_REASONS);
    }

    private static List<Event> generate(Random random) {
        List<Event> generated = new ArrayList<>();
        String[] levels = {"critical", "normal", "storage", null};
        Twin[] twins = {BUILDING_43, BUILDING_12, null};
        for (int i = 0; i < 700; i++) {
            int kind = random.nextInt(100);
            if (kind < 4) {
                String where = "hub-events/" + random.nextInt(4) + "/" + random.nextInt(5000);
                generated.add(tally -> tally.addUndecodable("no connectionDeviceId", where));
                continue;
            }
            if (kind < 6) {
                String blob = "archive/" + random.nextInt(200) + ".avro";
                generated.add(tally -> tally.addUnreadableBlob(blob, "truncated"));
                continue;
            }
            Input input;
            String device = "dev-" + random.nextInt(60);
            if (kind < 10) {
                input =
                        new Input(
                                twinChange(device), null, START.toEpochMilli() + random.nextInt(5));
            } else {
                // minutes over two days, so messages share times and hours
                Instant enqueued = START.plusSeconds(60L * random.nextInt(48 * 60));
                String body =
                        random.nextInt(20) == 0
                                ? "not json"
                                : "{\"temperature\": " + random.nextInt(60) + "}";
                String messageId = random.nextInt(10) == 0 ? null : "m-" + random.nextInt(400);
                input =
                        new Input(
                                telemetry(
                                        device,
                                        messageId,
                                        enqueued,
                                        levels[random.nextInt(levels.length)],
                                        body),
                                twins[random.nextInt(twins.length)],
                                0);
            }
            Event event = tally -> REPLAYER.replay(tally, input);
            generated.add(event);
            if (random.nextInt(20) == 0) {
                generated.add(event); // a device that sent the same message twice
            }
        }
        return generated;
    }

    @Test
    void theGeneratedHistoryExercisesEveryBound() {
        assertThat(expected.changedMessages()).isGreaterThan(10L * MAX_SAMPLES);
        assertThat(expected.samples()).hasSize(MAX_SAMPLES);
        assertThat(expected.undefinedReasons())
                .extracting(ReplayReport.UndefinedReason::reason)
                .contains(ReplayReport.OTHER_REASONS);
        assertThat(expected.undecodableRecords())
                .isGreaterThan(ReplayTally.MAX_UNDECODABLE_EXAMPLES);
        assertThat(expected.deliveriesByHour()).hasSize(48);
        // samples that tie on enqueued time, so the order beyond it matters
        List<Sample> samples = expected.samples();
        boolean tie = false;
        for (int i = 1; i < expected.samples().size(); i++) {
            tie |=
                    samples.get(i).message().enqueuedTimeMillis()
                            == samples.get(i - 1).message().enqueuedTimeMillis();
        }
        assertThat(tie).as("samples sharing an enqueued time").isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void anySplitAndMergeOrderGivesTheSameReport(int seed) throws Exception {
        Random random = new Random(seed);
        List<Event> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, random);
        int parts = 1 + random.nextInt(7);
        List<List<Event>> split = new ArrayList<>();
        for (int part = 0; part < parts; part++) {
            split.add(new ArrayList<>());
        }
        for (Event event : shuffled) {
            split.get(random.nextInt(parts)).add(event);
        }

        List<ReplayTally> tallies = new ArrayList<>();
        for (List<Event> part : split) {
            ReplayTally tally = newTally();
            for (int i = 0; i < part.size(); i++) {
                if (i == part.size() / 2 && random.nextBoolean()) {
                    tally = roundTrip(tally); // as a checkpointed accumulator would be
                }
                part.get(i).addTo(tally);
            }
            tallies.add(random.nextBoolean() ? roundTrip(tally) : tally);
        }
        while (tallies.size() > 1) {
            ReplayTally into = tallies.remove(random.nextInt(tallies.size()));
            ReplayTally from = tallies.remove(random.nextInt(tallies.size()));
            into.merge(from);
            tallies.add(into);
        }
        ReplayReport merged = tallies.get(0).report("generated");

        assertThat(merged).isEqualTo(expected);
        assertThat(merged.toJson()).isEqualTo(expected.toJson());
    }

    @Test
    void mergingIsAssociative() {
        List<ReplayTally> thirds = new ArrayList<>();
        for (int third = 0; third < 3; third++) {
            ReplayTally tally = newTally();
            for (int i = third; i < events.size(); i += 3) {
                events.get(i).addTo(tally);
            }
            thirds.add(tally);
        }
        ReplayTally left = thirds.get(0).copy();
        left.merge(thirds.get(1));
        left.merge(thirds.get(2));
        ReplayTally right = thirds.get(1).copy();
        right.merge(thirds.get(2));
        ReplayTally rightFirst = thirds.get(0).copy();
        rightFirst.merge(right);

        assertThat(left.report("generated")).isEqualTo(expected);
        assertThat(rightFirst.report("generated")).isEqualTo(expected);
    }

    @Test
    void copiesAreIndependent() {
        ReplayTally tally = newTally();
        events.get(0).addTo(tally);
        ReplayReport before = tally.report("one");
        ReplayTally copy = tally.copy();
        events.get(1).addTo(copy);

        assertThat(tally.report("one")).isEqualTo(before);
        assertThat(tally.emptyCopy().report("none")).isEqualTo(newTally().report("none"));
        assertThat(copy.messages()).isGreaterThanOrEqualTo(tally.messages());
    }

    private static ReplayTally roundTrip(ReplayTally tally)
            throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(tally);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (ReplayTally) in.readObject();
        }
    }
}
