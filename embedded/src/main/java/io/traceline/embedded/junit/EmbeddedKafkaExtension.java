package io.traceline.embedded.junit;

import io.traceline.embedded.EmbeddedKafka;

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
public final class EmbeddedKafkaExtension extends PerClassServerExtension<EmbeddedKafka> {

  /** Created by JUnit through {@code @ExtendWith}. */
  public EmbeddedKafkaExtension() {
    super(EmbeddedKafka.class, EmbeddedKafka::start);
  }
}
