package io.traceline.app.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.traceline.app.runtime.RuntimeSettings.LogFormat;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a stage's logging up at start: the level of Traceline's own loggers and, for {@link
 * LogFormat#JSON}, one JSON object per line on standard error in place of {@code logback.xml}'s
 * console appender (logstash-logback-encoder's fields {@code @timestamp}, {@code level}, {@code
 * logger_name}, {@code thread_name}, {@code message}, {@code stack_trace}, plus {@code stage} and
 * {@code instance}), which log shippers (Fluent Bit, CloudWatch agent, Vector) read without a
 * parsing rule. The libraries stay at WARN. Does nothing when SLF4J is bound to another backend
 * (embedding). Not thread-safe: call once, at start.
 */
final class StageLogging {

  /** The appender of {@code logback.xml} that writes to standard error. */
  static final String APPENDER = "STDERR";

  private static final ObjectMapper JSON = new ObjectMapper();

  private StageLogging() {}

  static void configure(String stage, String instance, String level, LogFormat format) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.getLogger("io.traceline").setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT)));
    if (format != LogFormat.JSON) {
      return;
    }
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.setCustomFields(customFields(stage, instance));
    encoder.setIncludeContext(false);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(APPENDER);
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> text = root.getAppender(APPENDER);
    if (text != null) {
      root.detachAppender(text); // only the console's: appenders an operator added stay
      text.stop();
    }
    root.addAppender(appender);
  }

  private static String customFields(String stage, String instance) {
    try {
      return JSON.writeValueAsString(Map.of("stage", stage, "instance", instance));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
