package io.hubroute.cli;

import io.hubroute.config.RoutingConfig;
import io.hubroute.message.Message;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The route file, message, twin and routing source of the commands that route one message ({@code
 * test-all}, {@code bench}), mixed in with {@code @Mixin}, and their reading.
 */
final class RouteInputs {
    @Option(
            names = "--routes",
            paramLabel = "FILE",
            required = true,
            description = "the route file (routes.yaml)")
    private Path routesFile;

    @Option(
            names = "--message",
            paramLabel = "FILE",
            required = true,
            description = {
                "the message file",
                "JSON: {\"systemProperties\": {...}, \"appProperties\": {...}, \"body\": \"...\" | \"bodyBase64\": \"...\"}"
            })
    private Path messageFile;

    @Option(
            names = "--twin",
            paramLabel = "FILE",
            description = {
                "the device twin file",
                "JSON: {\"tags\": {...}, \"properties\": {\"desired\": {...}, \"reported\": {...}}}"
            })
    private Path twinFile;

    @Option(
            names = "--source",
            paramLabel = "NAME",
            converter = RoutingSources.class,
            completionCandidates = RoutingSources.class,
            defaultValue = "DeviceMessages",
            description = {
                "the message's routing source, in any case: ${COMPLETION-CANDIDATES}",
                "(default ${DEFAULT-VALUE})"
            })
    private RoutingSource source;

    /** The three files, read; a problem names the file and the place. */
    record Read(RoutingConfig config, Message message, Twin twin) {}

    Read read() throws InputFiles.InvalidInputException {
        return new Read(
                InputFiles.routes(routesFile),
                InputFiles.message(messageFile, source),
                InputFiles.twin(twinFile));
    }
}
