package io.traceline.sink.opensearch;

/**
 * What a document is, and where documents of that kind live: the alias readers query, and the
 * prefix of the monthly indices behind it ({@code <alias>-yyyy.MM}).
 */
public enum DocKind {
  /** A timeline from {@code traceline.timelines}: id = trace id, version = revision. */
  TIMELINE("traceline-timelines"),
  /** An alert from {@code traceline.alerts}: id = trace id, version = revision. */
  ALERT("traceline-alerts"),
  /** A service edge from {@code traceline.service-edges}: id = its key, version = revision. */
  SERVICE_EDGE("traceline-service-edges");

  private final String alias;

  DocKind(String alias) {
    this.alias = alias;
  }

  /** The alias over every index of this kind; also the index template's name. */
  public String alias() {
    return alias;
  }

  /** The classpath resource holding this kind's composable index template. */
  String templateResource() {
    return "/opensearch/" + alias + ".json";
  }
}
