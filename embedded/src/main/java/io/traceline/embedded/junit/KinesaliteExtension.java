package io.traceline.embedded.junit;

import io.traceline.embedded.Kinesalite;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a JUnit 5 test class a real Kinesis API server: one {@link Kinesalite} per test class,
 * started before the first test and closed after the last one, injected as a parameter of type
 * {@link Kinesalite}. The extension owns the process; tests must not close it.
 */
public final class KinesaliteExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KinesaliteExtension.class);
  private static final String SERVER = "kinesalite";

  /** Created by JUnit through {@code @ExtendWith}. */
  public KinesaliteExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NAMESPACE).put(SERVER, Kinesalite.start());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Kinesalite server = context.getStore(NAMESPACE).remove(SERVER, Kinesalite.class);
    if (server != null) {
      server.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Kinesalite.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    Kinesalite server = context.getStore(NAMESPACE).get(SERVER, Kinesalite.class);
    if (server == null) {
      throw new ParameterResolutionException("kinesalite is not running");
    }
    return server;
  }
}
