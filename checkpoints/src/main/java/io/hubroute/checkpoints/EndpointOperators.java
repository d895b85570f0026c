package io.hubroute.checkpoints;

import io.hubroute.job.RoutingJob;

/**
 * Which endpoint a sink operator's uid belongs to. Flink expands a Sink V2 into operators of their
 * own: the writer keeps the uid given to {@code sinkTo} ({@code hubroute-endpoint-NAME}), the
 * committer gets {@code "Sink Committer: hubroute-endpoint-NAME"} (SinkTransformationTranslator).
 */
final class EndpointOperators {
    private EndpointOperators() {}

    /** The endpoint of an endpoint sink's writer or committer uid; null for other operators. */
    static String endpointOf(String uid) {
        String sinkUid = uid;
        int colon = uid.indexOf(": " + RoutingJob.ENDPOINT_UID_PREFIX);
        if (colon > 0) {
            sinkUid = uid.substring(colon + 2);
        }
        if (!sinkUid.startsWith(RoutingJob.ENDPOINT_UID_PREFIX)) {
            return null;
        }
        return sinkUid.substring(RoutingJob.ENDPOINT_UID_PREFIX.length());
    }
}
