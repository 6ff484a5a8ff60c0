package io.traceline.serve.query;

import java.util.List;

/**
 * The services of a window and the calls between them, each service judged against its baseline.
 *
 * @param range the window
 * @param baseline the windows before it that services are compared with
 * @param nodes one per service seen in the window (segments or edges), by name
 * @param edges one per caller and callee with calls in the window
 */
public record ServiceMap(TimeRange range, TimeRange baseline, List<Node> nodes, List<Edge> edges) {

  /**
   * A service.
   *
   * @param service its name
   * @param entry whether requests entered the system through it in the window
   * @param current what the window measured
   * @param p50Ms the median segment duration in the window, or null
   * @param baselineStats what the baseline measured
   * @param health the verdict, with the latency ratio and the reasons
   */
  public record Node(
      String service,
      boolean entry,
      Health.Stats current,
      Double p50Ms,
      Health.Stats baselineStats,
      Health.Verdict health) {}

  /**
   * Calls from one service to another, summed over the window's minutes.
   *
   * @param from the caller
   * @param to the callee
   * @param calls calls in the window
   * @param errors failed calls
   * @param p99Ms the minutes' p99 latencies, averaged weighted by their calls (an approximation:
   *     percentiles do not add up)
   * @param worstP99Ms the worst minute's p99
   */
  public record Edge(
      String from, String to, long calls, long errors, Double p99Ms, Double worstP99Ms) {}
}
