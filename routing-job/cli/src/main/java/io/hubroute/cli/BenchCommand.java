package io.hubroute.cli;

import io.hubroute.config.RoutingConfig;
import io.hubroute.message.Message;
import io.hubroute.message.Twin;
import io.hubroute.query.Engine;
import io.hubroute.routing.Router;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code hubroute bench}: times the routing decision for the user's own routes. */
@Command(
        name = "bench",
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "time the routing decision for a route file and a message",
            "%nRoutes the message over and over (warm-up, then a timed loop) and prints ns per message and",
            "messages per second; --json prints {\"nsPerMessage\": ..., \"messagesPerSecond\": ..., \"routes\": N}."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:timed", "2:usage error, or an invalid route, message or twin file"})
final class BenchCommand implements Callable<Integer> {
    private static final int BATCH = 1_000;

    @Mixin private RouteInputs inputs;

    @Option(
            names = "--engine",
            paramLabel = "ENGINE",
            defaultValue = "compiled",
            completionCandidates = EngineNames.class,
            description = {
                "the evaluator to time: ${COMPLETION-CANDIDATES}",
                "(default ${DEFAULT-VALUE}, what the job uses)"
            })
    private Engine engine;

    @Option(
            names = "--seconds",
            paramLabel = "SECONDS",
            defaultValue = "3",
            converter = Seconds.class,
            description = "how long to time the routing, in seconds (default ${DEFAULT-VALUE})")
    private Duration time;

    @Option(
            names = "--warmup-seconds",
            paramLabel = "SECONDS",
            defaultValue = "2",
            converter = Seconds.class,
            description = "how long to warm up first, in seconds (default ${DEFAULT-VALUE})")
    private Duration warmup;

    @Option(names = "--json", description = "print the figures as one JSON object")
    private boolean json;

    @Mixin private HelpOption help;

    private final Streams streams;

    BenchCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        PrintStream out = streams.out();
        RouteInputs.Read read;
        try {
            read = inputs.read();
        } catch (InputFiles.InvalidInputException e) {
            streams.err().println(e.getMessage());
            return 2;
        }
        RoutingConfig config = read.config();
        Message message = read.message();
        Twin twin = read.twin();
        Router router = Router.create(config, engine);
        loop(router, message, twin, warmup.toNanos());
        long[] measured = loop(router, message, twin, time.toNanos());
        long messages = measured[0];
        long nanos = measured[1];
        double nsPerMessage = (double) nanos / messages;
        double perSecond = messages * 1e9 / nanos;
        if (json) {
            out.println(
                    "{\"nsPerMessage\": "
                            + String.format(Locale.ROOT, "%.1f", nsPerMessage)
                            + ", \"messagesPerSecond\": "
                            + Math.round(perSecond)
                            + ", \"routes\": "
                            + config.routes().size()
                            + "}");
        } else {
            out.println(
                    String.format(
                            Locale.ROOT,
                            "%d routes, %s engine: %.1f ns/message, %,d messages/s (%,d messages in %.1f s)",
                            config.routes().size(),
                            engine.name().toLowerCase(Locale.ROOT),
                            nsPerMessage,
                            Math.round(perSecond),
                            messages,
                            nanos / 1e9));
        }
        return 0;
    }

    /** Routes in batches until {@code budgetNanos} pass; returns {messages, nanos}. */
    private static long[] loop(Router router, Message message, Twin twin, long budgetNanos) {
        long deliveries = 0;
        long messages = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            for (int i = 0; i < BATCH; i++) {
                deliveries += router.route(message, twin).deliveries().size();
            }
            messages += BATCH;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budgetNanos);
        if (deliveries < 0) {
            // never true; keeps the loop's work observable so it cannot be optimised away
            throw new IllegalStateException();
        }
        return new long[] {messages, elapsed};
    }

    /** {@code --engine}'s names, as shell completion offers them. */
    static final class EngineNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (Engine engine : Engine.values()) {
                names.add(engine.name().toLowerCase(Locale.ROOT));
            }
            return names.iterator();
        }
    }

    /** A positive number of seconds, such as 3 or 0.5. */
    static final class Seconds implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                double seconds = Double.parseDouble(text);
                if (seconds > 0 && seconds < Long.MAX_VALUE / 1e9) {
                    return Duration.ofNanos((long) (seconds * 1e9));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException(
                    "give a positive number of seconds, such as 3 or 0.5");
        }
    }
}
