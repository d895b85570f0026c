package io.hubroute.deploy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What {@link DeploymentRenderer#render()} produces: the ConfigMap holding {@code routes.yaml} and
 * {@code job.yaml}, the {@code FlinkDeployment} that mounts it, and the keys the user's Secret must
 * hold (one per {@code ${env:NAME}} reference, in alphabetical order).
 */
public record RenderedDeployment(
        ObjectNode configMap, ObjectNode flinkDeployment, List<String> secretKeys) {
    private static final YAMLMapper YAML =
            new YAMLMapper(
                    YAMLFactory.builder()
                            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                            .disable(YAMLGenerator.Feature.SPLIT_LINES)
                            .build());

    public RenderedDeployment {
        requireNonNull(configMap, "configMap");
        requireNonNull(flinkDeployment, "flinkDeployment");
        secretKeys = List.copyOf(secretKeys);
    }

    /** The ConfigMap as one YAML document. */
    public String configMapYaml() {
        return yaml(configMap);
    }

    /** The FlinkDeployment as one YAML document. */
    public String flinkDeploymentYaml() {
        return yaml(flinkDeployment);
    }

    /** Both documents, ConfigMap first: what {@code kubectl apply -f -} takes. */
    public String toYaml() {
        return configMapYaml() + flinkDeploymentYaml();
    }

    private static String yaml(ObjectNode document) {
        try {
            return YAML.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
