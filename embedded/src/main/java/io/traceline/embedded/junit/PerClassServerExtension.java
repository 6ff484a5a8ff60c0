package io.traceline.embedded.junit;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The lifecycle the extensions of this package share: one server of type {@code T} per test class,
 * started in {@code beforeAll} and closed in {@code afterAll} by the class that started it; a
 * {@code @Nested} class uses the server of its enclosing class.
 */
abstract class PerClassServerExtension<T extends AutoCloseable>
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final String SERVER = "server";
  private static final String OWNER = "owner";

  private final Class<T> type;
  private final Supplier<T> starter;
  private final ExtensionContext.Namespace namespace;

  PerClassServerExtension(Class<T> type, Supplier<T> starter) {
    this.type = type;
    this.starter = starter;
    this.namespace = ExtensionContext.Namespace.create(getClass());
  }

  @Override
  public final void beforeAll(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(namespace);
    if (store.get(SERVER, type) != null) {
      return; // A @Nested class: the enclosing class's server serves it.
    }
    store.put(SERVER, starter.get());
    store.put(OWNER, context.getUniqueId());
  }

  @Override
  public final void afterAll(ExtensionContext context) throws Exception {
    ExtensionContext.Store store = context.getStore(namespace);
    if (!context.getUniqueId().equals(store.get(OWNER, String.class))) {
      return; // Started, and closed, by an enclosing class.
    }
    store.remove(OWNER);
    T server = store.remove(SERVER, type);
    if (server != null) {
      server.close();
    }
  }

  @Override
  public final boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == type;
  }

  @Override
  public final T resolveParameter(ParameterContext parameter, ExtensionContext context) {
    T server = context.getStore(namespace).get(SERVER, type);
    if (server == null) {
      throw new ParameterResolutionException(
          "No "
              + type.getSimpleName()
              + " yet: it starts in beforeAll, after the test instance is constructed"
              + " (use a method parameter, not a constructor parameter)");
    }
    return server;
  }
}
