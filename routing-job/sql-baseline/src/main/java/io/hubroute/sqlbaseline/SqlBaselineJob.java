package io.hubroute.sqlbaseline;

import io.hubroute.config.ConfigProblem;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.job.TwinExport;
import io.hubroute.message.Twin;
import io.hubroute.twin.TwinState;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.OptimizerConfigOptions;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * The Flink SQL baseline of {@code hubroute bench-e2e}: a route file as one Flink SQL statement set
 * (one INSERT per route and endpoint, see {@link BaselineStatements} and {@link RouteSql}), run in
 * a local MiniCluster in this JVM over the input topic from its start to its end.
 *
 * <pre>
 * java -cp target/hubroute-sql-baseline-0.1.0-SNAPSHOT.jar:$(cat target/runtime-classpath.txt) \
 *   io.hubroute.sqlbaseline.SqlBaselineJob --bootstrap 127.0.0.1:9092 --topic d2c \
 *   --routes examples/bench/routes-1000.yaml --twins twins.jsonl --output-prefix sql- \
 *   --parallelism 2 --checkpoint-interval-ms 10000 --group-id sql-baseline
 * </pre>
 *
 * Prints {@code sql-baseline: planned N statements in T ms (...)} once the job is submitted
 * (parsing, validating, optimizing and translating the statement set, starting the MiniCluster and
 * submitting) and {@code sql-baseline: finished in T ms (...)} (from submission to the end of the
 * job) when the job has read the topic to the end offsets it had at the start and its sinks have
 * flushed; exits 0 then, 1 on bad input (an unsupported route is named) or a failed job. {@code
 * --explain} prints the statements and the plan instead of running.
 *
 * <ul>
 *   <li>The endpoint topics {@code <output-prefix><endpoint>} that do not exist are created with
 *       the input topic's partition count.
 *   <li>Checkpoints are at least once, every {@code --checkpoint-interval-ms}, in a temporary
 *       directory deleted at the end. No final checkpoint is taken after the source ends: the
 *       at-least-once Kafka sinks flush at the end of input, and waiting for one more checkpoint
 *       would add up to one interval of idle time to the measurement. No restarts: a failure ends
 *       the run with exit code 1.
 *   <li>The planner reuses the source and the views for every INSERT ({@code
 *       table.optimizer.reuse-source-enabled}, {@code reuse-sub-plan-enabled}: the views' values
 *       are computed once per message) and, unless {@code --reuse-sinks false}, unions the INSERTs
 *       into one endpoint into one sink ({@code table.optimizer.reuse-sink-enabled}), so that 1,000
 *       routes to 10 endpoints run 10 Kafka producers per subtask, not 1,000. Each such INSERT is
 *       then a network edge of its sink: the MiniCluster gets network memory for them ({@link
 *       #networkMemory}).
 *   <li>Object reuse is on unless {@code --object-reuse false}: each route is a chained operator of
 *       its own, and without reuse every one of them gets a deep copy of every message.
 *   <li>Size: 1,000 routes (examples/bench/routes-1000.yaml and its fallback route) plan in about
 *       two to three minutes on two cores and need no larger thread stack, because the fallback's
 *       OR of every condition is written as a balanced tree; the JVM needs about 0.5 GiB of direct
 *       memory for the network buffers at parallelism 2 (the default limit is the heap size).
 * </ul>
 */
public final class SqlBaselineJob {
    private static final String PREFIX = "sql-baseline: ";

    /** What ParameterTool gives for an option without a value ({@code NO_VALUE_KEY}, protected). */
    private static final String NO_VALUE = "__NO_VALUE_KEY";

    private static final Set<String> OPTIONS =
            Set.of(
                    "bootstrap",
                    "topic",
                    "routes",
                    "twins",
                    "output-prefix",
                    "parallelism",
                    "checkpoint-interval-ms",
                    "group-id",
                    "reuse-sinks",
                    "object-reuse",
                    "explain");

    /** The job's settings, as given on the command line. */
    record Options(
            String bootstrap,
            String topic,
            Path routes,
            Path twins,
            String outputPrefix,
            int parallelism,
            long checkpointIntervalMillis,
            String groupId,
            boolean reuseSinks,
            boolean objectReuse,
            boolean explain) {}

    private SqlBaselineJob() {}

    public static void main(String[] args) {
        int exitCode = run(args, System.out, System.err);
        System.exit(exitCode);
    }

    /** Runs the job; returns the exit code (0 done, 1 bad input or a failed job). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println(PREFIX + e.getMessage());
            err.println(
                    "usage: SqlBaselineJob --bootstrap HOST:PORT --topic TOPIC --routes FILE"
                            + " [--twins FILE] [--output-prefix P] [--parallelism N]"
                            + " [--checkpoint-interval-ms MS] [--group-id G] [--reuse-sinks true|false]"
                            + " [--object-reuse true|false]"
                            + " [--explain]");
            return 1;
        }
        BaselineStatements statements;
        try {
            statements = statements(options);
        } catch (IllegalArgumentException e) {
            err.println(PREFIX + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println(PREFIX + "cannot read " + e.getMessage());
            return 1;
        }
        try {
            return options.explain()
                    ? explain(options, statements, out)
                    : execute(options, statements, out);
        } catch (IllegalArgumentException e) {
            err.println(PREFIX + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println(PREFIX + "the job failed: " + rootCause(e));
            e.printStackTrace(err);
            return 1;
        }
    }

    static Options parse(String[] args) {
        ParameterTool parameters;
        try {
            parameters = ParameterTool.fromArgs(args);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad arguments: " + e.getMessage());
        }
        List<String> unknown = new ArrayList<>();
        for (String key : parameters.toMap().keySet()) {
            if (!OPTIONS.contains(key)) {
                unknown.add("--" + key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + String.join(", ", unknown));
        }
        String bootstrap = required(parameters, "bootstrap");
        String topic = required(parameters, "topic");
        Path routes = Path.of(required(parameters, "routes"));
        Path twins = parameters.has("twins") ? Path.of(required(parameters, "twins")) : null;
        int parallelism = positiveInt(parameters, "parallelism", 1);
        long interval = positiveInt(parameters, "checkpoint-interval-ms", 10_000);
        boolean reuseSinks = flag(parameters, "reuse-sinks");
        boolean objectReuse = flag(parameters, "object-reuse");
        return new Options(
                bootstrap,
                topic,
                routes,
                twins,
                parameters.get("output-prefix", ""),
                parallelism,
                interval,
                parameters.get("group-id", "hubroute-sql-baseline"),
                reuseSinks,
                objectReuse,
                parameters.has("explain"));
    }

    /** A true/false option, true when not given. */
    private static boolean flag(ParameterTool parameters, String name) {
        String value = parameters.get(name, "true");
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(
                    "--" + name + " must be true or false, got '" + value + "'");
        }
        return value.equals("true");
    }

    private static String required(ParameterTool parameters, String name) {
        String value = parameters.get(name);
        if (value == null || value.isBlank() || value.equals(NO_VALUE)) {
            throw new IllegalArgumentException("--" + name + " needs a value");
        }
        return value;
    }

    private static int positiveInt(ParameterTool parameters, String name, int fallback) {
        if (!parameters.has(name)) {
            return fallback;
        }
        String value = required(parameters, name);
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "--" + name + " must be a positive whole number, got '" + value + "'");
    }

    /** Reads the routes and twins and writes the statements; nothing connects yet. */
    static BaselineStatements statements(Options options) throws IOException {
        RoutingConfigLoader.Result loaded =
                RoutingConfigLoader.withoutSecrets().load(options.routes());
        if (!loaded.isValid()) {
            StringBuilder problems =
                    new StringBuilder(options.routes() + " is not a valid route file:");
            for (ConfigProblem problem : loaded.problems()) {
                problems.append('\n').append(problem);
            }
            throw new IllegalArgumentException(problems.toString());
        }
        RoutingConfig config = loaded.config().orElseThrow();
        RouteSql routes = RouteSql.translate(config);
        Map<String, Twin> twins = options.twins() == null ? Map.of() : twins(options.twins());
        return BaselineStatements.of(
                config,
                routes,
                twins,
                new BaselineStatements.Kafka(
                        options.bootstrap(),
                        options.topic(),
                        options.groupId(),
                        options.outputPrefix()));
    }

    private static int explain(Options options, BaselineStatements statements, PrintStream out)
            throws IOException {
        Path checkpoints = Files.createTempDirectory("hubroute-sql-baseline");
        try {
            StatementSet set = plan(options, statements, checkpoints);
            for (String ddl : statements.ddl()) {
                out.println(ddl + ";");
            }
            for (BaselineStatements.Insert insert : statements.inserts()) {
                out.println(insert.sql() + ";");
            }
            out.println(set.explain());
            return 0;
        } finally {
            deleteRecursively(checkpoints);
        }
    }

    private static int execute(Options options, BaselineStatements statements, PrintStream out)
            throws Exception {
        prepareTopics(options, statements);
        Path checkpoints = Files.createTempDirectory("hubroute-sql-baseline");
        try {
            long planStart = System.nanoTime();
            StatementSet set = plan(options, statements, checkpoints);
            long parsed = System.nanoTime();
            TableResult result = set.execute();
            long submitted = System.nanoTime();
            out.println(
                    PREFIX
                            + "planned "
                            + statements.inserts().size()
                            + " statements in "
                            + (submitted - planStart) / 1_000_000
                            + " ms (parsed and validated in "
                            + (parsed - planStart) / 1_000_000
                            + " ms, optimized, translated and submitted in "
                            + (submitted - parsed) / 1_000_000
                            + " ms)");
            JobExecutionResult job =
                    result.getJobClient()
                            .orElseThrow(() -> new IllegalStateException("no job was submitted"))
                            .getJobExecutionResult()
                            .get();
            long finished = System.nanoTime();
            out.println(
                    PREFIX
                            + "finished in "
                            + (finished - submitted) / 1_000_000
                            + " ms (job "
                            + job.getJobID()
                            + ", net runtime "
                            + job.getNetRuntime()
                            + " ms)");
            return 0;
        } finally {
            deleteRecursively(checkpoints);
        }
    }

    /** A local environment with the statements registered and the INSERTs in one set. */
    private static StatementSet plan(
            Options options, BaselineStatements statements, Path checkpoints) {
        Configuration configuration = new Configuration();
        configuration.set(
                CheckpointingOptions.CHECKPOINTING_INTERVAL,
                java.time.Duration.ofMillis(options.checkpointIntervalMillis()));
        configuration.set(
                CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                CheckpointingMode.AT_LEAST_ONCE);
        configuration.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        configuration.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        configuration.set(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, false);
        // every route is a chained operator of its own: without object reuse each one gets a deep
        // copy of every message (headers included); the table runtime's operators allow reuse
        configuration.set(PipelineOptions.OBJECT_REUSE, options.objectReuse());
        // a measurement, not a service: a failure ends the run instead of restarting it unseen
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        MemorySize network = networkMemory(statements.inserts().size(), options);
        configuration.set(TaskManagerOptions.NETWORK_MEMORY_MIN, network);
        configuration.set(TaskManagerOptions.NETWORK_MEMORY_MAX, network);
        configuration.set(OptimizerConfigOptions.TABLE_OPTIMIZER_REUSE_SOURCE_ENABLED, true);
        configuration.set(OptimizerConfigOptions.TABLE_OPTIMIZER_REUSE_SUB_PLAN_ENABLED, true);
        configuration.set(
                OptimizerConfigOptions.TABLE_OPTIMIZER_REUSE_SINK_ENABLED, options.reuseSinks());
        StreamExecutionEnvironment environment =
                StreamExecutionEnvironment.createLocalEnvironment(
                        options.parallelism(), configuration);
        StreamTableEnvironment tables = StreamTableEnvironment.create(environment);
        tables.executeSql(statements.sourceTable());
        for (BaselineStatements.View view : statements.views()) {
            // as CREATE TEMPORARY VIEW, but validated once: a view of SQL text is parsed,
            // validated and converted again for each INSERT that reads it
            tables.createTemporaryView(view.name(), tables.sqlQuery(view.query()));
        }
        for (String sink : statements.sinkTables().values()) {
            tables.executeSql(sink);
        }
        StatementSet set = tables.createStatementSet();
        for (BaselineStatements.Insert insert : statements.inserts()) {
            set.addInsertSql(insert.sql());
        }
        return set;
    }

    /**
     * The MiniCluster's network memory. With reused sinks every INSERT is an input edge of its
     * endpoint's sink (a union cannot be chained), and each such edge holds a few network buffers
     * per subtask on both ends: Flink's default 64 MiB runs out at a few hundred routes
     * ("Insufficient number of network buffers"). Eight 32 KiB buffers per INSERT and subtask, on
     * top.
     */
    static MemorySize networkMemory(int inserts, Options options) {
        long perEdge = options.reuseSinks() ? 8L * 32 * 1024 : 0;
        return new MemorySize(64L * 1024 * 1024 + perEdge * inserts * options.parallelism());
    }

    /** Checks the input topic and creates the missing endpoint topics. */
    private static void prepareTopics(Options options, BaselineStatements statements)
            throws InterruptedException, ExecutionException {
        Properties properties = new Properties();
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap());
        try (Admin admin = Admin.create(properties)) {
            Set<String> existing = admin.listTopics().names().get();
            if (!existing.contains(options.topic())) {
                throw new IllegalArgumentException(
                        "topic '"
                                + options.topic()
                                + "' does not exist on "
                                + options.bootstrap()
                                + ": load the messages first");
            }
            TopicDescription input =
                    admin.describeTopics(List.of(options.topic()))
                            .allTopicNames()
                            .get()
                            .get(options.topic());
            List<NewTopic> missing = new ArrayList<>();
            for (String endpoint : statements.sinkTables().keySet()) {
                String topic = options.outputPrefix() + endpoint;
                if (!existing.contains(topic)) {
                    missing.add(
                            new NewTopic(
                                    topic,
                                    Optional.of(input.partitions().size()),
                                    Optional.empty()));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        }
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(SqlBaselineJob::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The twins of a device export by twin key (the device id, or {@code device/module}), read as
     * the routing job reads {@code twins.exportFile} ({@link TwinExport}).
     *
     * @throws IllegalArgumentException naming the file (and line) when it is missing or a line is
     *     not a device
     */
    static Map<String, Twin> twins(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "twin export " + file.toAbsolutePath() + ": no such file");
        }
        Map<String, Twin> twins = new LinkedHashMap<>();
        TwinExport.read(file)
                .forEach((key, state) -> twins.put(key, TwinState.fromBytes(state).asTwin()));
        return twins;
    }
}
