package io.traceline.embedded.junit;

import io.traceline.embedded.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a JUnit 5 test class a real Kafka broker: one {@link EmbeddedKafka} per test class, started
 * before the first test (and before the class's own {@code @BeforeAll} methods) and closed after
 * the last one, with its data in a temporary directory.
 *
 * <p>Tests receive the broker as a parameter of type {@link EmbeddedKafka}, in test methods,
 * {@code @BeforeEach}/{@code @AfterEach} methods and static {@code @BeforeAll}/{@code @AfterAll}
 * methods:
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedKafkaExtension.class)
 * @Timeout(120)
 * class CorrelatorIT {
 *   @BeforeAll
 *   static void topics(EmbeddedKafka kafka) {
 *     kafka.createTopic("traceline.events", 3);
 *   }
 *
 *   @Test
 *   void correlates(EmbeddedKafka kafka) {
 *     String bootstrap = kafka.bootstrapServers();
 *     // ...
 *   }
 * }
 * }</pre>
 *
 * <p>The broker is shared by the tests of the class, so they should use distinct topics (or
 * distinct consumer group ids). {@code @Nested} classes share the broker of their enclosing class.
 * Constructor injection is not supported: with {@code @TestInstance(PER_CLASS)} the instance is
 * created before the broker starts.
 *
 * <p><b>Ownership.</b> The extension owns the broker and closes it in {@code afterAll}; tests must
 * not close it. The broker is also kept in JUnit's extension store, which closes it should {@code
 * afterAll} not run.
 *
 * <p>Needs {@code org.junit.jupiter:junit-jupiter-api} on the class path: an optional dependency of
 * this module, present in every test class path.
 */
public final class EmbeddedKafkaExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);
  private static final String BROKER = "broker";
  private static final String OWNER = "owner";

  /** Created by JUnit through {@code @ExtendWith}. */
  public EmbeddedKafkaExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    if (store.get(BROKER, EmbeddedKafka.class) != null) {
      return; // A @Nested class: the enclosing class's broker serves it.
    }
    store.put(BROKER, EmbeddedKafka.start());
    store.put(OWNER, context.getUniqueId());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    if (!context.getUniqueId().equals(store.get(OWNER, String.class))) {
      return; // Started, and closed, by an enclosing class.
    }
    store.remove(OWNER);
    EmbeddedKafka kafka = store.remove(BROKER, EmbeddedKafka.class);
    if (kafka != null) {
      kafka.close();
    }
  }

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == EmbeddedKafka.class;
  }

  @Override
  public EmbeddedKafka resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    EmbeddedKafka kafka = extensionContext.getStore(NAMESPACE).get(BROKER, EmbeddedKafka.class);
    if (kafka == null) {
      throw new ParameterResolutionException(
          "No EmbeddedKafka yet: it starts in beforeAll, after the test instance is constructed"
              + " (use a method parameter, not a constructor parameter)");
    }
    return kafka;
  }
}
