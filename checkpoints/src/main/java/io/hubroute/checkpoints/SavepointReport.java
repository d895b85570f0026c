package io.hubroute.checkpoints;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a savepoint of the routing job holds, as {@link SavepointInspector#inspect} reads it.
 *
 * @param path the savepoint as given
 * @param checkpointId the savepoint's checkpoint id
 * @param operators every operator with state, in the savepoint's order
 * @param deviceTwins device twins in the route operator's state
 * @param moduleTwins module twins in the route operator's state
 * @param routesVersion the active routes version of a job with live route changes; null for a job
 *     from before live route changes (its routes are the file it was submitted with)
 * @param blobEndpoints what each Blob Storage endpoint has staged and not committed
 */
public record SavepointReport(
        String path,
        long checkpointId,
        List<Operator> operators,
        long deviceTwins,
        long moduleTwins,
        RoutesVersion routesVersion,
        List<BlobEndpoint> blobEndpoints) {
    public SavepointReport {
        Objects.requireNonNull(path, "path");
        operators = List.copyOf(operators);
        blobEndpoints = List.copyOf(blobEndpoints);
    }

    /**
     * One operator's state.
     *
     * @param uid its uid; for an operator without one, its name in the savepoint or its id
     * @param parallelism the parallelism it ran with
     * @param maxParallelism its maximum parallelism (the number of key groups)
     * @param stateNames its keyed state names (when they can be read) and operator state names
     * @param stateSizeBytes the size of all its state in the savepoint
     */
    public record Operator(
            String uid,
            int parallelism,
            int maxParallelism,
            List<String> stateNames,
            long stateSizeBytes) {
        public Operator {
            Objects.requireNonNull(uid, "uid");
            stateNames = List.copyOf(stateNames);
        }
    }

    /** The routes version the job had active (from {@code hubroute routes push}). */
    public record RoutesVersion(long version, String fileName, Instant publishedAt) {
        public RoutesVersion {
            Objects.requireNonNull(fileName, "fileName");
            Objects.requireNonNull(publishedAt, "publishedAt");
        }
    }

    /**
     * A Blob Storage endpoint's uncommitted blobs: closed batches whose commit is in the
     * committer's state (a job restored from the savepoint commits them; one already committed when
     * the savepoint completed is recognised and left as it is), and batches still open in the
     * writers' state (a restored writer goes on appending to them).
     *
     * @param endpoint the endpoint's name
     * @param pendingCommits the committables in the committer's state
     * @param openBatches the open batches in the writers' state
     */
    public record BlobEndpoint(String endpoint, List<Blob> pendingCommits, List<Blob> openBatches) {
        public BlobEndpoint {
            Objects.requireNonNull(endpoint, "endpoint");
            pendingCommits = List.copyOf(pendingCommits);
            openBatches = List.copyOf(openBatches);
        }
    }

    /** One blob with staged blocks. */
    public record Blob(String blobName, int blocks, long records, long bytes) {
        public Blob {
            Objects.requireNonNull(blobName, "blobName");
        }
    }
}
