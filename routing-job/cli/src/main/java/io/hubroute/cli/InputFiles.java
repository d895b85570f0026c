package io.hubroute.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubroute.config.ConfigProblem;
import io.hubroute.config.RoutingConfig;
import io.hubroute.config.RoutingConfigLoader;
import io.hubroute.message.Json;
import io.hubroute.message.Message;
import io.hubroute.message.MessageJson;
import io.hubroute.message.RoutingSource;
import io.hubroute.message.Twin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reading the files route tests take: route files, message and twin JSON. */
final class InputFiles {
    private static final ObjectMapper MAPPER = Json.MAPPER;

    /** An input file that cannot be used; the message starts with file:line:column. */
    static final class InvalidInputException extends Exception {
        InvalidInputException(String message) {
            super(message);
        }
    }

    private InputFiles() {}

    /** A route file for testing: secret references are checked, not resolved. */
    static RoutingConfig routes(Path file) throws InvalidInputException {
        RoutingConfigLoader.Result result = RoutingConfigLoader.withoutSecrets().load(file);
        if (!result.isValid()) {
            StringBuilder text = new StringBuilder();
            List<ConfigProblem> problems = result.problems();
            for (ConfigProblem problem : problems) {
                if (text.length() > 0) {
                    text.append('\n');
                }
                text.append(problem);
            }
            throw new InvalidInputException(text.toString());
        }
        return result.orThrow();
    }

    static JsonNode json(Path file) throws InvalidInputException {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            throw new InvalidInputException(
                    file
                            + ":"
                            + (location == null ? 1 : location.getLineNr())
                            + ":"
                            + (location == null ? 1 : location.getColumnNr())
                            + ": not valid JSON: "
                            + e.getOriginalMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidInputException("file not found: " + file);
        } catch (IOException e) {
            throw new InvalidInputException(file + ":1:1: cannot read: " + e.getMessage());
        }
    }

    static Message message(Path file, RoutingSource source) throws InvalidInputException {
        try {
            return MessageJson.parseMessage(json(file), source);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(file + ":1:1: " + e.getMessage());
        }
    }

    /** The twin in a file, or null when {@code file} is null. */
    static Twin twin(Path file) throws InvalidInputException {
        if (file == null) {
            return null;
        }
        try {
            return MessageJson.parseTwin(json(file));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(file + ":1:1: " + e.getMessage());
        }
    }
}
