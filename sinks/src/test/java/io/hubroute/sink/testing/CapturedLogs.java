package io.hubroute.sink.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log event at INFO and above, from every logger in this JVM (the sinks', Flink's, Qpid JMS's
 * and the embedded broker's), while open: each as its message and the {@code toString()} of its
 * exception, every cause and every suppressed exception, as a log file would show them. The root
 * logger is at INFO meanwhile, as in a production log configuration (this module's test
 * configuration has it at WARN); the console shows the root's level and above meanwhile.
 *
 * <pre>{@code
 * try (CapturedLogs logs = CapturedLogs.start()) {
 *     ...
 *     assertThat(logs.text()).doesNotContain(password);
 * }
 * }</pre>
 */
public final class CapturedLogs implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final Capture capture = new Capture();
    private Level rootLevel;
    private Map<String, Appender> rootAppenders;

    private CapturedLogs() {}

    public static CapturedLogs start() {
        CapturedLogs logs = new CapturedLogs();
        logs.capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = context.getConfiguration().getRootLogger();
        logs.rootLevel = root.getLevel();
        logs.rootAppenders = Map.copyOf(root.getAppenders());
        // the root's own appenders keep the level they had; the capture takes INFO and above
        for (Appender appender : logs.rootAppenders.values()) {
            root.removeAppender(appender.getName());
            root.addAppender(appender, logs.rootLevel, null);
        }
        root.setLevel(Level.INFO);
        root.addAppender(logs.capture, Level.INFO, null);
        context.updateLoggers();
        return logs;
    }

    /** The events so far, one per line. */
    public String text() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.removeAppender(capture.getName());
        // the level first: the root's appenders take INFO again only once the loggers do not
        root.setLevel(rootLevel);
        context.updateLoggers();
        for (Appender appender : rootAppenders.values()) {
            root.removeAppender(appender.getName());
            root.addAppender(appender, null, null);
        }
        context.updateLoggers();
        capture.stop();
    }

    private final class Capture extends AbstractAppender {
        Capture() {
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
            appendThrown(line, event.getThrown(), 0);
            synchronized (lines) {
                lines.add(line.toString());
            }
        }

        private void appendThrown(StringBuilder line, Throwable thrown, int depth) {
            for (; thrown != null && depth < 30; depth++) {
                line.append(" | ").append(thrown);
                for (Throwable suppressed : thrown.getSuppressed()) {
                    appendThrown(line, suppressed, depth + 1);
                }
                thrown = thrown.getCause();
            }
        }
    }
}
