package io.traceline.app;

import picocli.CommandLine;

/** The version printed by {@code --version}: the jar's implementation version. */
public final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Traceline.class.getPackage().getImplementationVersion();
    return new String[] {"traceline " + (v == null ? "dev" : v)};
  }
}
