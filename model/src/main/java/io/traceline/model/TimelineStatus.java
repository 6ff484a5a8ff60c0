package io.traceline.model;

/** Why a timeline was emitted in the state it has. */
public enum TimelineStatus {
  /** Closed after the inactivity gap with every event inside the per-trace bounds. */
  COMPLETE,
  /** Closed because the trace reached its maximum age while still receiving events. */
  TIMED_OUT,
  /** Closed with more events or bytes than the per-trace bounds; the rest were only counted. */
  TRUNCATED,
  /** A later revision, emitted because late events arrived within the grace horizon. */
  REVISED
}
