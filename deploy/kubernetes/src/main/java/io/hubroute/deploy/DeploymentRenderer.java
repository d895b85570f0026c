package io.hubroute.deploy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Renders hubroute's deployment for the Flink Kubernetes Operator: a ConfigMap with the routes file
 * and job.yaml, and a {@code FlinkDeployment} in application mode that runs the job jar of the
 * image built from {@code deploy/kubernetes/Dockerfile}, mounts the ConfigMap, takes every {@code
 * ${env:NAME}} the two files reference from a Secret the user creates, keeps checkpoints,
 * savepoints and HA metadata under a durable URI, upgrades with a savepoint and exposes Prometheus
 * metrics. The Helm chart {@code deploy/kubernetes/helm/hubroute} renders the same two objects.
 *
 * <pre>{@code
 * RenderedDeployment deployment = DeploymentRenderer.builder()
 *         .setName("hubroute-myhub")
 *         .setNamespace("iot")
 *         .setImage("myregistry.azurecr.io/hubroute:0.1.0")
 *         .setRoutes(Files.readString(routes), "routes.yaml")
 *         .setJobConfig(Files.readString(jobYaml), "job.yaml")
 *         .setStorageUri("abfss://flink@myaccount.dfs.core.windows.net/hubroute-myhub")
 *         .setSecretName("hubroute-connections")
 *         .build()
 *         .render();
 * System.out.print(deployment.toYaml());          // kubectl apply -f -
 * deployment.secretKeys();                        // the keys Secret hubroute-connections needs
 * }</pre>
 *
 * <p>Nothing secret is ever rendered: {@link Builder#build()} refuses a file with an inline
 * credential or a {@code ${file:}} reference, and Flink settings whose names say they hold one.
 */
public final class DeploymentRenderer {
    /** The job jar's {@code Main-Class}. */
    public static final String ENTRY_CLASS = "io.hubroute.job.RoutingJobMain";

    /** Where the Dockerfile puts the job jar. */
    public static final String JOB_JAR_IN_IMAGE = "/opt/flink/usrlib/hubroute-routing-job.jar";

    public static final String JAR_URI = "local://" + JOB_JAR_IN_IMAGE;

    /** Where the ConfigMap is mounted in every Flink pod. */
    public static final String CONFIG_DIRECTORY = "/etc/hubroute";

    public static final String ROUTES_KEY = "routes.yaml";
    public static final String JOB_CONFIG_KEY = "job.yaml";

    /** Flink's Prometheus reporter's port in every JobManager and TaskManager pod. */
    public static final int PROMETHEUS_PORT = 9249;

    public static final String PROMETHEUS_REPORTER_FACTORY =
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    /** The operator's name for Flink 2.2 (Flink Kubernetes Operator 1.13.0 and later). */
    public static final String DEFAULT_FLINK_VERSION = "v2_2";

    public static final String DEFAULT_SECRET_NAME = "hubroute-connections";

    /** The Secret key (and variable) of a {@code wasb(s)://} storage URI's account key. */
    public static final String STORAGE_KEY_VARIABLE = "AZURE_STORAGE_KEY";

    /** The pod annotation whose change makes the operator upgrade the job (with a savepoint). */
    public static final String CONFIG_CHECKSUM_ANNOTATION = "hubroute.io/config-sha256";

    /** File systems that outlive pods; Flink has a plugin for each. */
    static final Set<String> DURABLE_SCHEMES =
            Set.of("abfs", "abfss", "wasb", "wasbs", "s3", "s3a", "s3p", "gs", "oss", "hdfs");

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern FLINK_VERSION = Pattern.compile("v[0-9]+_[0-9]+");
    private static final Pattern SECRET_SETTING =
            Pattern.compile("(?i).*(password|secret|token|credential|\\.key(\\.|$)|sas).*");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Builder settings;
    private final ConfigFile routes;
    private final ConfigFile jobConfig;
    private final int parallelism;
    private final Map<String, String> flinkConfiguration;
    private final List<String> secretKeys;

    private DeploymentRenderer(
            Builder settings,
            int parallelism,
            Map<String, String> flinkConfiguration,
            List<String> secretKeys) {
        this.settings = settings;
        this.routes = settings.routes;
        this.jobConfig = settings.jobConfig;
        this.parallelism = parallelism;
        this.flinkConfiguration = flinkConfiguration;
        this.secretKeys = secretKeys;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The program arguments of the job: the mounted files, never their text. */
    public static List<String> jobArguments() {
        return List.of(
                "--routes",
                CONFIG_DIRECTORY + "/" + ROUTES_KEY,
                "--config",
                CONFIG_DIRECTORY + "/" + JOB_CONFIG_KEY);
    }

    public RenderedDeployment render() {
        return new RenderedDeployment(configMap(), flinkDeployment(), secretKeys);
    }

    private String configMapName() {
        return settings.name + "-config";
    }

    private ObjectNode configMap() {
        ObjectNode configMap = JSON.objectNode();
        configMap.put("apiVersion", "v1");
        configMap.put("kind", "ConfigMap");
        configMap.set("metadata", metadata(configMapName()));
        ObjectNode data = configMap.putObject("data");
        data.put(ROUTES_KEY, routes.text());
        data.put(JOB_CONFIG_KEY, jobConfig.text());
        return configMap;
    }

    private ObjectNode metadata(String name) {
        ObjectNode metadata = JSON.objectNode();
        metadata.put("name", name);
        if (settings.namespace != null) {
            metadata.put("namespace", settings.namespace);
        }
        ObjectNode labels = metadata.putObject("labels");
        labels.put("app.kubernetes.io/name", "hubroute");
        labels.put("app.kubernetes.io/instance", settings.name);
        return metadata;
    }

    private ObjectNode flinkDeployment() {
        ObjectNode deployment = JSON.objectNode();
        deployment.put("apiVersion", "flink.apache.org/v1beta1");
        deployment.put("kind", "FlinkDeployment");
        deployment.set("metadata", metadata(settings.name));
        ObjectNode spec = deployment.putObject("spec");
        spec.put("image", settings.image);
        spec.put("imagePullPolicy", settings.imagePullPolicy);
        spec.put("flinkVersion", settings.flinkVersion);
        spec.put("serviceAccount", settings.serviceAccount);
        ObjectNode configuration = spec.putObject("flinkConfiguration");
        flinkConfiguration.forEach(configuration::put);
        spec.set("podTemplate", podTemplate());
        ObjectNode jobManager = spec.putObject("jobManager");
        jobManager.put("replicas", 1);
        jobManager.set("resource", resource(settings.jobManagerMemory, settings.jobManagerCpu));
        ObjectNode taskManager = spec.putObject("taskManager");
        taskManager.set("resource", resource(settings.taskManagerMemory, settings.taskManagerCpu));
        ObjectNode job = spec.putObject("job");
        job.put("jarURI", JAR_URI);
        job.put("entryClass", ENTRY_CLASS);
        ArrayNode args = job.putArray("args");
        jobArguments().forEach(args::add);
        job.put("parallelism", parallelism);
        job.put("upgradeMode", "savepoint");
        if (settings.allowNonRestoredState) {
            job.put("allowNonRestoredState", true);
        }
        job.put("state", "running");
        return deployment;
    }

    private ObjectNode podTemplate() {
        ObjectNode pod = JSON.objectNode();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        pod.putObject("metadata")
                .putObject("annotations")
                .put(CONFIG_CHECKSUM_ANNOTATION, sha256(routes.text() + jobConfig.text()));
        ObjectNode spec = pod.putObject("spec");
        ObjectNode container = spec.putArray("containers").addObject();
        // the operator merges this into the JobManager's and the TaskManagers' Flink container
        container.put("name", "flink-main-container");
        ArrayNode environment = container.putArray("env");
        for (String key : secretKeys) {
            ObjectNode variable = environment.addObject();
            variable.put("name", key);
            variable.putObject("valueFrom")
                    .putObject("secretKeyRef")
                    .put("name", settings.secretName)
                    .put("key", key);
        }
        ObjectNode port = container.putArray("ports").addObject();
        port.put("name", "metrics");
        port.put("containerPort", PROMETHEUS_PORT);
        port.put("protocol", "TCP");
        ObjectNode mount = container.putArray("volumeMounts").addObject();
        mount.put("name", "hubroute-config");
        mount.put("mountPath", CONFIG_DIRECTORY);
        mount.put("readOnly", true);
        ObjectNode volume = spec.putArray("volumes").addObject();
        volume.put("name", "hubroute-config");
        volume.putObject("configMap").put("name", configMapName());
        return pod;
    }

    private static ObjectNode resource(String memory, double cpu) {
        ObjectNode resource = JSON.objectNode();
        resource.put("memory", memory);
        resource.put("cpu", cpu);
        return resource;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The deployment's settings. Each setter checks its argument at once; {@link #build()} reads
     * the two files and reports every problem with them and the settings together.
     */
    public static final class Builder {
        private String name = "hubroute";
        private String namespace;
        private String image;
        private String imagePullPolicy = "IfNotPresent";
        private ConfigFile routes;
        private ConfigFile jobConfig;
        private String storageUri;
        private String secretName = DEFAULT_SECRET_NAME;
        private String flinkVersion = DEFAULT_FLINK_VERSION;
        private String serviceAccount = "flink";
        private String jobManagerMemory = "2048m";
        private double jobManagerCpu = 1;
        private String taskManagerMemory = "2048m";
        private double taskManagerCpu = 1;
        private int taskSlots = 1;
        private boolean allowNonRestoredState;
        private final Map<String, String> extraFlinkConfiguration = new LinkedHashMap<>();

        private Builder() {}

        /** The FlinkDeployment's name (a DNS label of at most 45 characters); default hubroute. */
        public Builder setName(String name) {
            requireNonNull(name, "name");
            if (!DNS_LABEL.matcher(name).matches() || name.length() > 45) {
                throw new IllegalArgumentException(
                        "name '"
                                + name
                                + "': the FlinkDeployment's name must be lower-case letters, digits"
                                + " and '-', start with a letter and be at most 45 characters");
            }
            this.name = name;
            return this;
        }

        /** The namespace written into both objects; without it, kubectl's current namespace. */
        public Builder setNamespace(String namespace) {
            requireNonNull(namespace, "namespace");
            if (!DNS_LABEL.matcher(namespace).matches()) {
                throw new IllegalArgumentException(
                        "namespace '" + namespace + "' is not a Kubernetes namespace name");
            }
            this.namespace = namespace;
            return this;
        }

        /**
         * The image built from deploy/kubernetes/Dockerfile, e.g. {@code registry/hubroute:0.1.0}.
         */
        public Builder setImage(String image) {
            requireNonNull(image, "image");
            if (image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(
                        "image '"
                                + image
                                + "': give an image reference such as registry/hubroute:0.1.0");
            }
            this.image = image;
            return this;
        }

        /** {@code IfNotPresent} (default), {@code Always} or {@code Never}. */
        public Builder setImagePullPolicy(String policy) {
            requireNonNull(policy, "policy");
            if (!Set.of("IfNotPresent", "Always", "Never").contains(policy)) {
                throw new IllegalArgumentException(
                        "image pull policy '" + policy + "': use IfNotPresent, Always or Never");
            }
            this.imagePullPolicy = policy;
            return this;
        }

        /** The routes file's text; {@code fileName} names it in problems. */
        public Builder setRoutes(String text, String fileName) {
            this.routes = new ConfigFile(fileName, requireNonNull(text, "text"));
            return this;
        }

        /** job.yaml's text (it needs a {@code source} section); {@code fileName} names it. */
        public Builder setJobConfig(String text, String fileName) {
            this.jobConfig = new ConfigFile(fileName, requireNonNull(text, "text"));
            return this;
        }

        /**
         * The durable URI under which checkpoints ({@code /checkpoints}), savepoints ({@code
         * /savepoints}) and Kubernetes HA metadata ({@code /ha}) are kept, e.g. {@code
         * abfss://flink@ACCOUNT.dfs.core.windows.net/hubroute}. For {@code wasb(s)://} the account
         * key comes from the Secret's {@value #STORAGE_KEY_VARIABLE} key.
         */
        public Builder setStorageUri(String uri) {
            requireNonNull(uri, "uri");
            String scheme = scheme(uri);
            if (scheme == null || !DURABLE_SCHEMES.contains(scheme)) {
                throw new IllegalArgumentException(
                        "storage URI '"
                                + uri
                                + "' is not durable storage: checkpoints, savepoints and HA"
                                + " metadata must outlive the pods; use one of "
                                + new TreeSet<>(DURABLE_SCHEMES)
                                + " (for example abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/hubroute)");
            }
            this.storageUri = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
            return this;
        }

        /** The Secret holding every {@code ${env:NAME}} under the key NAME; created by the user. */
        public Builder setSecretName(String secretName) {
            requireNonNull(secretName, "secretName");
            if (!secretName.matches("[a-z0-9]([-.a-z0-9]*[a-z0-9])?")) {
                throw new IllegalArgumentException(
                        "secret name '" + secretName + "' is not a Kubernetes object name");
            }
            this.secretName = secretName;
            return this;
        }

        /** The operator's FlinkVersion name; default {@value #DEFAULT_FLINK_VERSION}. */
        public Builder setFlinkVersion(String flinkVersion) {
            requireNonNull(flinkVersion, "flinkVersion");
            if (!FLINK_VERSION.matcher(flinkVersion).matches()) {
                throw new IllegalArgumentException(
                        "flink version '"
                                + flinkVersion
                                + "': the operator names versions v<major>_<minor>, e.g. v2_2");
            }
            this.flinkVersion = flinkVersion;
            return this;
        }

        /** The pods' service account; default {@code flink}, the one the operator's chart makes. */
        public Builder setServiceAccount(String serviceAccount) {
            this.serviceAccount = requireNonNull(serviceAccount, "serviceAccount");
            return this;
        }

        /** The JobManager's memory (Flink or Kubernetes units: 2048m, 2g, 2Gi) and CPUs. */
        public Builder setJobManagerResources(String memory, double cpu) {
            this.jobManagerMemory = memory(memory);
            this.jobManagerCpu = cpu(cpu);
            return this;
        }

        /** Each TaskManager's memory and CPUs. */
        public Builder setTaskManagerResources(String memory, double cpu) {
            this.taskManagerMemory = memory(memory);
            this.taskManagerCpu = cpu(cpu);
            return this;
        }

        /** Slots per TaskManager (default 1): job.yaml's parallelism / slots TaskManagers run. */
        public Builder setTaskSlots(int taskSlots) {
            if (taskSlots < 1) {
                throw new IllegalArgumentException("task slots " + taskSlots + ": at least 1");
            }
            this.taskSlots = taskSlots;
            return this;
        }

        /**
         * Whether an upgrade may drop savepoint state no operator claims: needed once, for the
         * upgrade that removes an endpoint (its sink's state has no operator any more). Off by
         * default, so that a mistake cannot silently lose state.
         */
        public Builder setAllowNonRestoredState(boolean allow) {
            this.allowNonRestoredState = allow;
            return this;
        }

        /**
         * Any other Flink setting (restart strategy, a file system's authentication, ...). Settings
         * whose names say they hold a secret are refused in {@link #build()}.
         */
        public Builder putFlinkConfiguration(String key, String value) {
            extraFlinkConfiguration.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
            return this;
        }

        /**
         * Checks the files and the settings together.
         *
         * @throws DeploymentException with every problem, each naming its place and the fix
         */
        public DeploymentRenderer build() {
            if (image == null) {
                throw new IllegalStateException(
                        "no image: call setImage(\"registry/hubroute:TAG\")");
            }
            if (routes == null) {
                throw new IllegalStateException(
                        "no routes file: call setRoutes(text, \"routes.yaml\")");
            }
            if (jobConfig == null) {
                throw new IllegalStateException(
                        "no job.yaml: call setJobConfig(text, \"job.yaml\")");
            }
            if (storageUri == null) {
                throw new IllegalStateException(
                        "no durable storage: call setStorageUri(\"abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/hubroute\")");
            }
            List<DeploymentProblem> problems = new ArrayList<>();
            checkYaml(routes, problems);
            problems.addAll(routes.secretProblems(secretName));
            problems.addAll(jobConfig.secretProblems(secretName));
            int parallelism = checkJobConfig(problems);

            Map<String, String> configuration = new LinkedHashMap<>();
            configuration.put("taskmanager.numberOfTaskSlots", Integer.toString(taskSlots));
            configuration.put("high-availability.type", "kubernetes");
            configuration.put("high-availability.storageDir", storageUri + "/ha");
            configuration.put("execution.checkpointing.dir", storageUri + "/checkpoints");
            configuration.put("execution.checkpointing.savepoint-dir", storageUri + "/savepoints");
            configuration.put("metrics.reporter.prom.factory.class", PROMETHEUS_REPORTER_FACTORY);
            configuration.put("metrics.reporter.prom.port", Integer.toString(PROMETHEUS_PORT));
            // route and endpoint labels as the routes file spells them, as hubroute run exports
            // them and deploy/grafana's dashboard shows them
            configuration.put("metrics.reporter.prom.filterLabelValueCharacters", "false");
            Set<String> keys = new TreeSet<>();
            keys.addAll(routes.environmentReferences());
            keys.addAll(jobConfig.environmentReferences());
            String storageAccountHost = wasbAccountHost(storageUri);
            if (storageAccountHost != null) {
                // Flink's Azure file system reads the account key from this variable
                configuration.put(
                        "fs.azure.account.keyprovider." + storageAccountHost,
                        "org.apache.flink.fs.azurefs.EnvironmentVariableKeyProvider");
                keys.add(STORAGE_KEY_VARIABLE);
            }
            for (Map.Entry<String, String> setting : extraFlinkConfiguration.entrySet()) {
                if (configuration.containsKey(setting.getKey())) {
                    problems.add(
                            new DeploymentProblem(
                                    "flinkConfiguration " + setting.getKey(),
                                    "the deployment sets this itself",
                                    "leave it out (setStorageUri and setTaskSlots decide it)"));
                } else if (SECRET_SETTING.matcher(setting.getKey()).matches()) {
                    problems.add(
                            new DeploymentProblem(
                                    "flinkConfiguration " + setting.getKey(),
                                    "a secret in the FlinkDeployment: it would be readable by"
                                            + " anyone who can read the resource",
                                    "use the file system's workload identity or key provider (for"
                                            + " wasbs:// the storage URI makes Flink read "
                                            + STORAGE_KEY_VARIABLE
                                            + " from Secret '"
                                            + secretName
                                            + "')"));
                } else {
                    configuration.put(setting.getKey(), setting.getValue());
                }
            }
            if (!problems.isEmpty()) {
                throw new DeploymentException(problems);
            }
            return new DeploymentRenderer(this, parallelism, configuration, List.copyOf(keys));
        }

        private static void checkYaml(ConfigFile file, List<DeploymentProblem> problems) {
            try {
                new YAMLMapper().readTree(file.text());
            } catch (JsonProcessingException e) {
                problems.add(
                        new DeploymentProblem(
                                location(file, e.getLocation()),
                                "not YAML: " + e.getOriginalMessage(),
                                "check it with bin/hubroute validate " + file.name()));
            }
        }

        /** job.yaml's parallelism (default 1), after checking what the cluster needs of it. */
        private int checkJobConfig(List<DeploymentProblem> problems) {
            Map<String, JsonLocation> locations = new LinkedHashMap<>();
            JsonNode root;
            try (JsonParser parser = new YAMLMapper().createParser(jobConfig.text())) {
                root = parser.readValueAsTree();
            } catch (IOException e) {
                JsonLocation where =
                        e instanceof JsonProcessingException
                                ? ((JsonProcessingException) e).getLocation()
                                : null;
                problems.add(
                        new DeploymentProblem(
                                location(jobConfig, where),
                                "not YAML",
                                "see docs/job-config.md for the format"));
                return 1;
            }
            try (JsonParser parser = new YAMLMapper().createParser(jobConfig.text())) {
                for (JsonToken token = parser.nextToken();
                        token != null;
                        token = parser.nextToken()) {
                    if (token.isScalarValue()) {
                        locations.putIfAbsent(
                                parser.getParsingContext().pathAsPointer().toString(),
                                parser.currentTokenLocation());
                    }
                }
            } catch (IOException e) {
                // already reported above
            }
            if (root == null || !root.isObject()) {
                root = JSON.objectNode();
            }
            if (!root.path("source").isObject()) {
                problems.add(
                        new DeploymentProblem(
                                jobConfig.name() + ":1:1",
                                "no source section: the job on a cluster reads IoT Hub's events"
                                        + " from it",
                                "add source: {eventHubsConnectionString:"
                                        + " '${env:IOTHUB_EVENTHUB_CONNECTION_STRING}'} (see"
                                        + " docs/job-config.md)"));
            }
            JsonNode directory = root.path("checkpointing").path("dir");
            if (directory.isTextual()) {
                String scheme = scheme(directory.asText());
                if (scheme == null || !DURABLE_SCHEMES.contains(scheme)) {
                    problems.add(
                            new DeploymentProblem(
                                    location(jobConfig, locations.get("/checkpointing/dir")),
                                    "checkpointing.dir is not durable storage: a checkpoint in a"
                                            + " pod is lost with it",
                                    "remove it: the FlinkDeployment keeps checkpoints under"
                                            + " the storage URI"));
                }
            }
            JsonNode parallelism = root.path("parallelism");
            if (parallelism.isMissingNode()) {
                return 1;
            }
            if (!parallelism.canConvertToInt() || parallelism.asInt() < 1) {
                problems.add(
                        new DeploymentProblem(
                                location(jobConfig, locations.get("/parallelism")),
                                "parallelism must be a whole number >= 1",
                                "write parallelism: 2, for example"));
                return 1;
            }
            return parallelism.asInt();
        }

        private static String location(ConfigFile file, JsonLocation where) {
            if (where == null || where.getLineNr() < 1) {
                return file.name() + ":1:1";
            }
            return file.name() + ":" + where.getLineNr() + ":" + Math.max(1, where.getColumnNr());
        }

        private static String memory(String memory) {
            requireNonNull(memory, "memory");
            if (!memory.matches("[0-9]+(\\.[0-9]+)?\\s*([kKmMgGtT]i?[bB]?)?")) {
                throw new IllegalArgumentException(
                        "memory '" + memory + "': write it as 2048m, 2g or 2Gi");
            }
            return memory;
        }

        private static double cpu(double cpu) {
            if (!(cpu > 0)) {
                throw new IllegalArgumentException("cpu " + cpu + ": more than 0");
            }
            return cpu;
        }
    }

    private static String scheme(String uri) {
        try {
            String scheme = new URI(uri).getScheme();
            return scheme == null ? null : scheme.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** {@code ACCOUNT.blob.core.windows.net} of a {@code wasb(s)://CONTAINER@ACCOUNT...} URI. */
    private static String wasbAccountHost(String uri) {
        String scheme = scheme(uri);
        if (!"wasb".equals(scheme) && !"wasbs".equals(scheme)) {
            return null;
        }
        try {
            return new URI(uri).getHost();
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
