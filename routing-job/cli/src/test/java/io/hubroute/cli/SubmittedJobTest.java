package io.hubroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.PipelineOptions;
import org.junit.jupiter.api.Test;

/** What submit records in a job, and that it survives Flink's encoding of the parameters. */
class SubmittedJobTest {
    private static final String ROUTES =
            "hubName: hub\n"
                    + "builtInEndpoint: {connectionString: \"${env:EVENTS}\", entityPath: events}\n"
                    + "routes:\n"
                    + "  - {name: North, condition: '$twin.tags.site = \"north\"', endpointNames: [events]}\n"
                    + "# it's a comment: with, commas ''and'' quotes\n";

    @Test
    void survivesTheRoundTripThroughTheJobsGlobalParameters() {
        SubmittedJob submitted =
                SubmittedJob.inline(ROUTES, "source: {topics: [d2c]}\n", "1a2b_job.jar", 4);

        // what JobSubmitter sends as the run request's flinkConfiguration, as the JobManager reads
        // it
        String encoded = ConfigurationUtils.convertValue(submitted.toParameters(), String.class);
        Map<String, String> parameters =
                Configuration.fromMap(Map.of(PipelineOptions.GLOBAL_JOB_PARAMETERS.key(), encoded))
                        .get(PipelineOptions.GLOBAL_JOB_PARAMETERS);

        assertThat(SubmittedJob.fromParameters(parameters)).contains(submitted);
        assertThat(submitted.programArguments())
                .containsExactly(
                        "--routes-yaml", ROUTES, "--config-yaml", "source: {topics: [d2c]}\n");
    }

    @Test
    void clusterFilesArePassedAsPaths() {
        SubmittedJob submitted =
                SubmittedJob.clusterFiles("/etc/r.yaml", "/etc/j.yaml", "1a2b_job.jar", null);

        assertThat(submitted.isInline()).isFalse();
        assertThat(submitted.programArguments())
                .isEqualTo(List.of("--routes", "/etc/r.yaml", "--config", "/etc/j.yaml"));
        assertThat(SubmittedJob.fromParameters(submitted.toParameters())).contains(submitted);
    }

    @Test
    void aJobStartedOtherwiseRecordsNothing() {
        assertThat(SubmittedJob.fromParameters(Map.of())).isEmpty();
        assertThat(SubmittedJob.fromParameters(Map.of("hubroute.routes-yaml", ROUTES))).isEmpty();
        assertThat(
                        SubmittedJob.fromParameters(
                                Map.of(
                                        "hubroute.routes-yaml", ROUTES,
                                        "hubroute.config-yaml", "",
                                        "hubroute.jar-id", "x.jar",
                                        "hubroute.parallelism", "four")))
                .isEmpty();
    }
}
