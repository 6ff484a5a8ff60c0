package io.traceline.app.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.traceline.app.cli.DurationConverter;
import io.traceline.app.cli.InstantConverter;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The Jackson set-up of configuration: one duration syntax (the CLI's {@link DurationConverter}),
 * ISO-8601 instants (the CLI's {@link InstantConverter}), plain paths, case-insensitive enums, no
 * silent truncation of {@code 1.5} into an integer. Immutable after class initialisation.
 */
final class Mappers {

  /** Binds trees to records and records to trees. */
  static final ObjectMapper BIND =
      JsonMapper.builder()
          .addModule(configTypes())
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  /** Reads configuration files (YAML, and JSON as a subset of it) and prints configuration. */
  static final YAMLMapper YAML =
      YAMLMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();

  private Mappers() {}

  private static SimpleModule configTypes() {
    SimpleModule module = new SimpleModule("traceline-config");
    module.addDeserializer(Duration.class, new DurationDeserializer());
    module.addSerializer(Duration.class, new DurationSerializer());
    module.addDeserializer(Instant.class, new InstantDeserializer());
    module.addSerializer(Instant.class, new InstantSerializer());
    module.addDeserializer(Path.class, new PathDeserializer());
    module.addSerializer(Path.class, new PathSerializer());
    return module;
  }

  /**
   * The shortest form {@link DurationConverter#parse} reads back: {@code 250ms}, {@code 30s},
   * {@code 5m}, {@code 1h}; ISO-8601 when the duration has a fraction of a millisecond.
   */
  static String formatDuration(Duration d) {
    if (d.getNano() % 1_000_000 != 0 || Math.abs(d.getSeconds()) > 1_000_000_000_000L) {
      return d.toString();
    }
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** Text only: a bare number has no unit, so {@code 30} is refused rather than guessed. */
  private static String scalarText(JsonParser p, DeserializationContext ctxt, Class<?> type)
      throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    return (String) ctxt.handleUnexpectedToken(type, p);
  }

  private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
    private static final long serialVersionUID = 1L;

    DurationDeserializer() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = scalarText(p, ctxt, Duration.class);
      Duration d = DurationConverter.parse(text);
      if (d == null) {
        throw ctxt.weirdStringException(text, Duration.class, "not a duration");
      }
      return d;
    }
  }

  private static final class DurationSerializer extends StdScalarSerializer<Duration> {
    private static final long serialVersionUID = 1L;

    DurationSerializer() {
      super(Duration.class);
    }

    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(formatDuration(value));
    }
  }

  private static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
    private static final long serialVersionUID = 1L;

    InstantDeserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text =
          p.currentToken() == JsonToken.VALUE_NUMBER_INT
              ? p.getText()
              : scalarText(p, ctxt, Instant.class);
      Instant t = InstantConverter.parse(text);
      if (t == null) {
        throw ctxt.weirdStringException(text, Instant.class, "not a time");
      }
      return t;
    }
  }

  private static final class InstantSerializer extends StdScalarSerializer<Instant> {
    private static final long serialVersionUID = 1L;

    InstantSerializer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(value.toString());
    }
  }

  private static final class PathDeserializer extends StdScalarDeserializer<Path> {
    private static final long serialVersionUID = 1L;

    PathDeserializer() {
      super(Path.class);
    }

    @Override
    public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = scalarText(p, ctxt, Path.class);
      try {
        return Path.of(text);
      } catch (InvalidPathException e) {
        throw ctxt.weirdStringException(text, Path.class, "not a path");
      }
    }
  }

  /** A path as written ({@code data/correlator}), not as a {@code file://} URI. */
  private static final class PathSerializer extends StdScalarSerializer<Path> {
    private static final long serialVersionUID = 1L;

    PathSerializer() {
      super(Path.class);
    }

    @Override
    public void serialize(Path value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(value.toString());
    }
  }
}
