package io.hubroute.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log event at INFO and above, from every logger in this JVM (the job's, Flink's, Kafka's
 * clients and the embedded broker), while open: each as its message and the {@code toString()} of
 * its exception and every cause, as a log file would show them.
 *
 * <pre>{@code
 * try (CapturedLogs logs = CapturedLogs.start()) {
 *     ...
 *     assertThat(logs.text()).doesNotContain(key);
 * }
 * }</pre>
 */
final class CapturedLogs implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final Appender appender = new Appender();

    private CapturedLogs() {}

    static CapturedLogs start() {
        CapturedLogs logs = new CapturedLogs();
        logs.appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(logs.appender, Level.INFO, null);
        context.updateLoggers();
        return logs;
    }

    /** The events so far, one per line. */
    String text() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }

    private final class Appender extends AbstractAppender {
        Appender() {
            super(
                    "captured-" + System.identityHashCode(CapturedLogs.this),
                    null,
                    null,
                    true,
                    Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            StringBuilder line =
                    new StringBuilder()
                            .append(event.getLevel())
                            .append(' ')
                            .append(event.getLoggerName())
                            .append(" - ")
                            .append(event.getMessage().getFormattedMessage());
            Throwable thrown = event.getThrown();
            for (int depth = 0; thrown != null && depth < 30; depth++) {
                line.append(" | ").append(thrown);
                thrown = thrown.getCause();
            }
            synchronized (lines) {
                lines.add(line.toString());
            }
        }
    }
}
