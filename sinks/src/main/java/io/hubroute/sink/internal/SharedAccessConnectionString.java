package io.hubroute.sink.internal;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Service Bus or Event Hubs connection string of a shared access policy, {@code
 * Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>[;EntityPath=<entity>]},
 * taken apart. A malformed one may hold its key anywhere (a missing {@code ;} runs two parts
 * together), so an error names the part that is wrong and what it should look like, never a value
 * of the string. {@link #toString()} never shows the key.
 */
public final class SharedAccessConnectionString {
    private static final String EXPECTED =
            "expected Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>";
    private static final Pattern HOST =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*)(:[0-9]{1,5})?");
    private static final Pattern ENTITY = Pattern.compile("[A-Za-z0-9._/-]{1,260}");

    private final String host;
    private final String keyName;
    private final String key;
    private final String entityPath;

    private SharedAccessConnectionString(
            String host, String keyName, String key, String entityPath) {
        this.host = host;
        this.keyName = keyName;
        this.key = key;
        this.entityPath = entityPath;
    }

    /**
     * Parses a connection string; part names in any case, other parts (TransportType,
     * UseDevelopmentEmulator, ...) ignored.
     *
     * @param service what the string is for, in messages: {@code Service Bus}, {@code Event Hubs}
     * @throws IllegalArgumentException naming the wrong or missing part, never a value
     */
    public static SharedAccessConnectionString parse(String service, String connectionString) {
        Objects.requireNonNull(connectionString, "connectionString");
        String what = service + " connection string";
        String endpoint = null;
        String keyName = null;
        String key = null;
        String entityPath = null;
        String[] parts = connectionString.split(";");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                continue;
            }
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(
                        what
                                + " has a part (number "
                                + (i + 1)
                                + ") that is not name=value: "
                                + EXPECTED);
            }
            String name = part.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(equals + 1).trim();
            switch (name) {
                case "endpoint":
                    endpoint = once(what, "Endpoint", endpoint, value);
                    break;
                case "sharedaccesskeyname":
                    keyName = once(what, "SharedAccessKeyName", keyName, value);
                    break;
                case "sharedaccesskey":
                    key = once(what, "SharedAccessKey", key, value);
                    break;
                case "entitypath":
                    entityPath = once(what, "EntityPath", entityPath, value);
                    break;
                default:
                    break;
            }
        }
        if (endpoint == null || endpoint.isEmpty()) {
            throw new IllegalArgumentException(what + " has no Endpoint=sb://...: " + EXPECTED);
        }
        if (!endpoint.toLowerCase(Locale.ROOT).startsWith("sb://")) {
            throw new IllegalArgumentException(
                    what + "'s Endpoint must start with sb://: " + EXPECTED);
        }
        String host = endpoint.substring("sb://".length());
        int slash = host.indexOf('/');
        String path = slash < 0 ? "" : host.substring(slash + 1);
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(what + "'s Endpoint has no host: " + EXPECTED);
        }
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException(
                    what
                            + "'s Endpoint host is not a host name (letters, digits, '.', '-',"
                            + " an optional :port): "
                            + EXPECTED);
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            // the pattern allows one to five digits
            int port = Integer.parseInt(host.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        what
                                + "'s Endpoint port is not from 1 to 65535: write"
                                + " sb://<host>:<port>/, or no port for the service's own");
            }
        }
        if (!path.isEmpty()) {
            throw new IllegalArgumentException(
                    what + "'s Endpoint has a path after the host (a missing ';'?): " + EXPECTED);
        }
        if (keyName == null || keyName.isEmpty()) {
            throw new IllegalArgumentException(
                    what
                            + " has no SharedAccessKeyName: copy the whole connection string of a"
                            + " shared access policy");
        }
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException(
                    what
                            + " has no SharedAccessKey: copy the whole connection string of a"
                            + " shared access policy");
        }
        if (entityPath != null && entityPath.isEmpty()) {
            entityPath = null;
        }
        if (entityPath != null && !ENTITY.matcher(entityPath).matches()) {
            throw new IllegalArgumentException(
                    what
                            + "'s EntityPath is not a queue, topic or event hub name (letters,"
                            + " digits, '.', '-', '_', '/'; a missing ';'?)");
        }
        return new SharedAccessConnectionString(host, keyName, key, entityPath);
    }

    private static String once(String what, String partName, String previous, String value) {
        if (previous != null) {
            throw new IllegalArgumentException(
                    what + " has " + partName + " more than once: keep one");
        }
        return value;
    }

    /** The namespace host, {@code <namespace>.servicebus.windows.net} (with a port if given). */
    public String host() {
        return host;
    }

    /** The shared access policy's name. */
    public String keyName() {
        return keyName;
    }

    /** The shared access key: a secret, never log it. */
    public String key() {
        return key;
    }

    /** The queue, topic or event hub named in the string, or null. */
    public String entityPath() {
        return entityPath;
    }

    @Override
    public String toString() {
        return "SharedAccessConnectionString{host="
                + host
                + ", keyName="
                + keyName
                + ", key=***, entityPath="
                + entityPath
                + "}";
    }
}
