package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of usage error, for several commands: exit code 2 and exactly one line. */
class UsageErrorsTest {
    private static final String TUTORIAL_ROUTES =
            ExamplesTest.TUTORIAL.resolve("routes.yaml").toString();
    private static final String SOURCES =
            "DeviceMessages, TwinChangeEvents, DeviceLifecycleEvents, DeviceConnectionStateEvents,"
                    + " DigitalTwinChangeEvents, DeviceJobLifecycleEvents";

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                // a missing required option
                row(
                        "hubroute test-route: missing --condition: give the condition to test"
                                + " (hubroute test-route --help lists every option)",
                        "test-route"),
                row(
                        "hubroute test-all: missing --message: give the message file"
                                + " (hubroute test-all --help lists every option)",
                        "test-all",
                        "--routes",
                        TUTORIAL_ROUTES),
                row(
                        "hubroute submit: missing --jobmanager, --routes and --config: give the"
                                + " JobManager's REST address (rest.address:rest.port), the route file"
                                + " and the job settings (job.yaml) with a source section"
                                + " (hubroute submit --help lists every option)",
                        "submit"),
                // an option without its value
                row(
                        "hubroute test-route: --condition needs a value: give the condition to test"
                                + " (hubroute test-route --help lists every option)",
                        "test-route",
                        "--condition"),
                row(
                        "hubroute run: --messages needs a value: give the number of messages to"
                                + " stop after (hubroute run --help lists every option)",
                        "run",
                        "--messages"),
                // an unknown option: the closest name, or every name
                row(
                        "hubroute test-route: unknown option '--conditon': did you mean --condition?"
                                + " (hubroute test-route --help lists every option)",
                        "test-route",
                        "--conditon",
                        "a = 'b'"),
                row(
                        "hubroute validate: unknown option '--strict': use one of"
                                + " --resolve-secrets, --help (hubroute validate --help lists every"
                                + " option)",
                        "validate",
                        "--strict",
                        TUTORIAL_ROUTES),
                row(
                        "hubroute submit: unknown option '--paralelism': did you mean --parallelism?"
                                + " (hubroute submit --help lists every option)",
                        "submit",
                        "--paralelism=2"),
                row(
                        "hubroute submit: unknown option '--jobmanger': did you mean --jobmanager?"
                                + " (hubroute submit --help lists every option)",
                        "submit",
                        "--jobmanger",
                        "localhost:8081",
                        "--routes",
                        "routes.yaml",
                        "--config",
                        "job.yaml"),
                // a value the option does not take
                row(
                        "hubroute test-route: invalid --source 'Telemetry': use one of "
                                + SOURCES
                                + " (hubroute test-route --help lists every option)",
                        "test-route",
                        "--condition",
                        "true",
                        "--source",
                        "Telemetry"),
                row(
                        "hubroute run: invalid --messages 'many': give a whole number, 0 (until"
                                + " Ctrl-C) or more (hubroute run --help lists every option)",
                        "run",
                        "--messages",
                        "many"),
                row(
                        "hubroute run: invalid --messages '-1': give a whole number, 0 (until"
                                + " Ctrl-C) or more (hubroute run --help lists every option)",
                        "run",
                        "--messages",
                        "-1"),
                row(
                        "hubroute submit: invalid --parallelism '0': give a whole number, 1 or more"
                                + " (hubroute submit --help lists every option)",
                        "submit",
                        "--jobmanager",
                        "localhost:8081",
                        "--routes",
                        "routes.yaml",
                        "--config",
                        "job.yaml",
                        "--parallelism",
                        "0"),
                row(
                        "hubroute submit: invalid --jobmanager 'jobmanager': give HOST:PORT, the"
                                + " REST port (8081 by default) (hubroute submit --help lists every"
                                + " option)",
                        "submit",
                        "--jobmanager",
                        "jobmanager",
                        "--routes",
                        "routes.yaml",
                        "--config",
                        "job.yaml"),
                row(
                        "hubroute bench-e2e: --jobs spark: no such job: give some of hubroute,"
                                + " pass-through, flink-sql (hubroute bench-e2e --help lists every"
                                + " option)",
                        "bench-e2e",
                        "--routes",
                        TUTORIAL_ROUTES,
                        "--jobs",
                        "hubroute,spark"),
                row(
                        "hubroute bench-e2e: --jobs pass-through: the pass-through's fan-out and"
                                + " the SQL job's expected output come from a hubroute run: add"
                                + " hubroute first (hubroute bench-e2e --help lists every option)",
                        "bench-e2e",
                        "--routes",
                        TUTORIAL_ROUTES,
                        "--jobs",
                        "pass-through"),
                row(
                        "hubroute bench-replay: --baseline no-such-routes.yaml: no such file: run"
                                + " from the project folder or give --baseline FILE (hubroute"
                                + " bench-replay --help lists every option)",
                        "bench-replay",
                        "--baseline",
                        "no-such-routes.yaml"),
                row(
                        "hubroute bench-replay: invalid --records '0': give a positive whole"
                                + " number, such as 20000 (hubroute bench-replay --help lists every"
                                + " option)",
                        "bench-replay",
                        "--records",
                        "0"),
                row(
                        "hubroute bench-replay: --body-bytes 100 cannot hold the message's fields:"
                                + " give 160 or more (hubroute bench-replay --help lists every"
                                + " option)",
                        "bench-replay",
                        "--baseline",
                        TUTORIAL_ROUTES,
                        "--candidate",
                        TUTORIAL_ROUTES,
                        "--body-bytes",
                        "100"),
                row(
                        "hubroute bench: invalid --engine 'fast': use one of compiled, reference"
                                + " (hubroute bench --help lists every option)",
                        "bench",
                        "--routes",
                        TUTORIAL_ROUTES,
                        "--message",
                        "m.json",
                        "--engine",
                        "fast"),
                row(
                        "hubroute bench: invalid --seconds '0': give a positive number of seconds,"
                                + " such as 3 or 0.5 (hubroute bench --help lists every option)",
                        "bench",
                        "--routes",
                        TUTORIAL_ROUTES,
                        "--message",
                        "m.json",
                        "--seconds",
                        "0"),
                // the wrong number of positional arguments
                row(
                        "hubroute validate: missing FILE: give the route file to check"
                                + " (hubroute validate --help lists every option)",
                        "validate"),
                row(
                        "hubroute validate: unexpected argument 'other.yaml': give one FILE, the"
                                + " route file to check (hubroute validate --help lists every option)",
                        "validate",
                        TUTORIAL_ROUTES,
                        "other.yaml"),
                row(
                        "hubroute test: missing CASES: give the test cases file (CASES.yaml)"
                                + " (hubroute test --help lists every option)",
                        "test"),
                row(
                        "hubroute test-all: unexpected argument 'message.json': remove it, test-all"
                                + " takes options only (hubroute test-all --help lists every option)",
                        "test-all",
                        "--routes",
                        TUTORIAL_ROUTES,
                        "--message",
                        "m.json",
                        "message.json"),
                // an option given twice
                row(
                        "hubroute test-all: --routes given twice: give it once"
                                + " (hubroute test-all --help lists every option)",
                        "test-all",
                        "--routes",
                        "a.yaml",
                        "--routes",
                        "b.yaml"),
                // options that exclude each other
                row(
                        "hubroute test-route: --jsonl reads every case from standard input: drop"
                                + " --condition, --source (hubroute test-route --help lists every"
                                + " option)",
                        "test-route",
                        "--jsonl",
                        "--condition",
                        "true",
                        "--source",
                        "DeviceMessages"),
                // commands
                row(
                        "hubroute: unknown command 'tset': did you mean test?"
                                + " (hubroute --help lists every command)",
                        "tset"),
                row(
                        "hubroute: unknown command 'provision': use one of run, submit, upgrade,"
                                + " replay, savepoint, routes, test-route, test-all, test, validate,"
                                + " import-arm, bench, bench-replay, bench-routes, bench-e2e, completion, help"
                                + " (hubroute"
                                + " --help lists every command)",
                        "provision"),
                row(
                        "hubroute: unknown command 'replya': did you mean replay?"
                                + " (hubroute --help lists every command)",
                        "replya"),
                row(
                        "hubroute help: unknown command 'valdate': did you mean validate?"
                                + " (hubroute help --help lists every option)",
                        "help",
                        "valdate"));
    }

    private static Arguments row(String line, String... args) {
        return Arguments.of(String.join(" ", args), args, line);
    }

    @ParameterizedTest(name = "hubroute {0}")
    @MethodSource("usageErrors")
    void exitsWithTwoAndOneLine(String commandLine, String[] args, String line) {
        CommandTestSupport.Run run = CommandTestSupport.run(args);

        assertThat(run.err()).isEqualTo(line + "\n");
        assertThat(run.out()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(2);
    }
}
