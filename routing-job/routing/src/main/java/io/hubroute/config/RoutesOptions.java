package io.hubroute.config;

/**
 * Live route changes (job.yaml {@code routes}): where route versions come from while the job runs.
 *
 * @param controlTopic a compacted Kafka topic on the source's cluster that {@code hubroute routes
 *     push} publishes route versions to; null: routes change only by upgrading the job
 * @param statusTopic where each subtask reports the versions it activated or rejected; null: the
 *     control topic's name with {@code -status}
 * @param watch {@code hubroute run} only: publish the routes file again whenever it is saved
 */
public record RoutesOptions(String controlTopic, String statusTopic, boolean watch) {
    /** No live changes. */
    public static RoutesOptions none() {
        return new RoutesOptions(null, null, false);
    }

    public boolean live() {
        return controlTopic != null;
    }

    /** The status topic, or the control topic's name with {@code -status}. */
    public String statusTopicOrDefault() {
        return statusTopic != null
                ? statusTopic
                : controlTopic == null ? null : controlTopic + "-status";
    }
}
