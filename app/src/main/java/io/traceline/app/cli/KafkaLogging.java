package io.traceline.app.cli;

import ch.qos.logback.classic.Level;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quiets Kafka's own loggers for commands that run Kafka inside the process (the demo's embedded
 * broker, replay's offline topology): their start-up and shutdown chatter is not the user's concern
 * there. Errors still show. Not for the service stages, whose Kafka warnings matter.
 */
public final class KafkaLogging {

  private KafkaLogging() {}

  /** Sets the {@code org.apache.kafka} and {@code kafka} loggers to ERROR (logback only). */
  public static void errorsOnly() {
    for (String name : List.of("org.apache.kafka", "kafka")) {
      Logger logger = LoggerFactory.getLogger(name);
      if (logger instanceof ch.qos.logback.classic.Logger logback) {
        logback.setLevel(Level.ERROR);
      }
    }
  }
}
