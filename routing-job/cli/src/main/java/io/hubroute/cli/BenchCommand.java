package io.hubroute.cli;

import io.hubroute.config.RoutingConfig;
import io.hubroute.message.Message;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import io.hubroute.query.Engine;
import io.hubroute.routing.Router;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code hubroute bench}: times the routing decision for the user's own routes. */
final class BenchCommand implements Command {
    private static final int BATCH = 1_000;

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "time the routing decision for a route file and a message";
    }

    @Override
    public String usage() {
        return String.join(
                "\n",
                "usage: hubroute bench --routes routes.yaml --message m.json [--twin t.json] [--source DeviceMessages]",
                "                      [--engine compiled|reference] [--seconds 3] [--warmup-seconds 2] [--json]",
                "",
                "Routes the message over and over (warm-up, then a timed loop) and prints ns per message and",
                "messages per second; --json prints {\"nsPerMessage\": ..., \"messagesPerSecond\": ..., \"routes\": N}.");
    }

    @Override
    public int run(List<String> arguments, InputStream in, PrintStream out, PrintStream err)
            throws Exception {
        Options options =
                Options.parse(
                        arguments,
                        Set.of(
                                "--routes",
                                "--message",
                                "--twin",
                                "--source",
                                "--engine",
                                "--seconds",
                                "--warmup-seconds"),
                        Set.of("--json"));
        RoutingSource source = InputFiles.source(options.get("--source"));
        Engine engine = engine(options.get("--engine"));
        double seconds = positive(options.get("--seconds"), 3, "--seconds");
        double warmupSeconds = positive(options.get("--warmup-seconds"), 2, "--warmup-seconds");
        RoutingConfig config;
        Message message;
        Twin twin;
        try {
            config = InputFiles.routes(Path.of(options.require("--routes")));
            message = InputFiles.message(Path.of(options.require("--message")), source);
            twin =
                    InputFiles.twin(
                            options.get("--twin") == null ? null : Path.of(options.get("--twin")));
        } catch (InputFiles.InvalidInputException e) {
            err.println(e.getMessage());
            return 2;
        }
        Router router = Router.create(config, engine);
        loop(router, message, twin, (long) (warmupSeconds * 1e9));
        long[] measured = loop(router, message, twin, (long) (seconds * 1e9));
        long messages = measured[0];
        long nanos = measured[1];
        double nsPerMessage = (double) nanos / messages;
        double perSecond = messages * 1e9 / nanos;
        if (options.flag("--json")) {
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

    private static Engine engine(String name) throws UsageException {
        if (name == null || name.equals("compiled")) {
            return Engine.COMPILED;
        }
        if (name.equals("reference")) {
            return Engine.REFERENCE;
        }
        throw new UsageException("unknown engine '" + name + "': use compiled or reference");
    }

    private static double positive(String text, double fallback, String option)
            throws UsageException {
        if (text == null) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(
                option + " must be a positive number of seconds, got '" + text + "'");
    }
}
