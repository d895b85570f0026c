/**
 * The dry-run diff report of {@code hubroute replay}: what a candidate routes file would have done
 * with history, next to what a baseline file did.
 *
 * <p>Each replayed message is routed by both files and added to a {@link
 * io.hubroute.replay.ReplayTally}; tallies of parallel readers merge exactly (the result does not
 * depend on how messages were split among them). The merged tally gives an immutable {@link
 * io.hubroute.replay.ReplayReport}, written as JSON (versioned, documented in {@code
 * docs/replay-report.md}), as a table for a terminal ({@link io.hubroute.replay.ReplayReportTable})
 * or as a self-contained HTML page with charts ({@link io.hubroute.replay.ReplayReportHtml}).
 *
 * <pre>{@code
 * Router baselineRouter = Router.create(baseline, Engine.COMPILED);
 * Router candidateRouter = Router.create(candidate, Engine.COMPILED);
 * ReplayTally tally = ReplayTally.create(baseline, candidate, 10);
 * for (Message message : history) {
 *     tally.add(ReplayedMessage.of(message, recordTimestamp),
 *             baselineRouter.route(message, twin), candidateRouter.route(message, twin));
 * }
 * ReplayReport report = tally.report("kafka hub-events, 2024-05-01T00:00Z .. 2024-05-02T00:00Z");
 * System.out.print(ReplayReportTable.render(report));
 * }</pre>
 */
package io.hubroute.replay;
