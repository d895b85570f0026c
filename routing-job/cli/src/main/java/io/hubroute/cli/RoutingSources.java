package io.hubroute.cli;

import io.hubroute.message.RoutingSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --source}: IoT Hub's routing source names in any case, and the names shell completion
 * offers.
 */
final class RoutingSources implements ITypeConverter<RoutingSource>, Iterable<String> {
    @Override
    public RoutingSource convert(String name) {
        return RoutingSource.fromName(name)
                .orElseThrow(
                        () ->
                                new TypeConversionException(
                                        "use one of " + RoutingSource.acceptedNames()));
    }

    @Override
    public Iterator<String> iterator() {
        List<String> names = new ArrayList<>();
        for (RoutingSource source : RoutingSource.values()) {
            names.add(source.iotHubName());
        }
        return names.iterator();
    }
}
