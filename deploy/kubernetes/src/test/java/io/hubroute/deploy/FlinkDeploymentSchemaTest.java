package io.hubroute.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The rendered FlinkDeployment against the operator's own CRD schema: the one in {@code
 * flink-kubernetes-operator-api} 1.10.0 (from Maven) and the one of operator 1.13.0, the first that
 * knows Flink 2.2 (a copy in the test resources, see crds/README.md).
 */
class FlinkDeploymentSchemaTest {
    private static final CrdSchema OPERATOR_1_10 =
            CrdSchema.fromClassPath(
                    "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml", "v1beta1");
    private static final CrdSchema OPERATOR_1_13 =
            CrdSchema.fromClassPath(
                    "crds/flinkdeployments.flink.apache.org-v1-operator-1.13.0.yml", "v1beta1");

    /** The deployment as kubectl would send it: rendered to YAML and read back. */
    private static JsonNode rendered(DeploymentRenderer.Builder builder) {
        return Fixtures.yaml(builder.build().render().flinkDeploymentYaml());
    }

    @Test
    void validatesAgainstTheCrdOfOperator113() {
        JsonNode deployment = rendered(Fixtures.tutorial());

        assertThat(deployment.at("/spec/flinkVersion").asText()).isEqualTo("v2_2");
        assertThat(OPERATOR_1_13.violations(deployment)).isEmpty();
    }

    @Test
    void validatesAgainstTheCrdOfOperatorApi110ButForFlinkVersion() {
        // 1.10.0's enum stops at v1_20: everything else of the v2_2 deployment is valid there
        List<String> violations = OPERATOR_1_10.violations(rendered(Fixtures.tutorial()));
        assertThat(violations).hasSize(1);
        assertThat(violations.get(0)).startsWith("/spec/flinkVersion enum");

        JsonNode asFlink120 = rendered(Fixtures.tutorial().setFlinkVersion("v1_20"));
        assertThat(OPERATOR_1_10.violations(asFlink120)).isEmpty();
    }

    @Test
    void everyOptionalPartValidatesToo() {
        JsonNode deployment =
                rendered(
                        Fixtures.tutorial()
                                .setStorageUri(
                                        "wasbs://flink@hubroutestate.blob.core.windows.net/demo")
                                .setJobManagerResources("1g", 0.5)
                                .setTaskManagerResources("4Gi", 2)
                                .setTaskSlots(2)
                                .setImagePullPolicy("Always")
                                .setAllowNonRestoredState(true)
                                .putFlinkConfiguration(
                                        "restart-strategy.type", "exponential-delay"));

        assertThat(OPERATOR_1_13.violations(deployment)).isEmpty();
    }

    @Test
    void aBrokenDeploymentFailsValidation() {
        JsonNode valid = rendered(Fixtures.tutorial());
        assertThat(OPERATOR_1_13.violations(valid)).isEmpty();

        assertViolation(
                valid,
                deployment ->
                        ((ObjectNode) deployment.at("/spec/job")).put("upgradeMode", "snapshot"),
                "/spec/job/upgradeMode enum");
        assertViolation(
                valid,
                deployment -> ((ObjectNode) deployment.at("/spec/job")).put("parallelism", "two"),
                "/spec/job/parallelism type");
        assertViolation(
                valid,
                deployment -> ((ObjectNode) deployment.at("/spec/job")).put("entrypoint", "Main"),
                "/spec/job additionalProperties");
        assertViolation(
                valid,
                deployment ->
                        ((ObjectNode) deployment.at("/spec/jobManager/resource")).put("cpu", "one"),
                "/spec/jobManager/resource/cpu type");
        assertViolation(
                valid,
                deployment ->
                        ((ObjectNode)
                                        deployment.at(
                                                "/spec/podTemplate/spec/containers/0/volumeMounts/0"))
                                .put("readOnly", "yes"),
                "/spec/podTemplate/spec/containers/0/volumeMounts/0/readOnly type");
    }

    private static void assertViolation(
            JsonNode valid, Consumer<JsonNode> breakIt, String expectedViolation) {
        JsonNode broken = valid.deepCopy();
        breakIt.accept(broken);
        assertThat(OPERATOR_1_13.violations(broken))
                .as("violations after breaking %s", expectedViolation)
                .anySatisfy(violation -> assertThat(violation).startsWith(expectedViolation));
        assertThat(OPERATOR_1_10.violations(broken))
                .anySatisfy(violation -> assertThat(violation).startsWith(expectedViolation));
    }
}
