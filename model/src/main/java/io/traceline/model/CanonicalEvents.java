package io.traceline.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes an event as bytes it is known to be written as ({@link Json#writeTimeline(Timeline,
 * java.util.IdentityHashMap)}): the writer's attribute {@link #ATTRIBUTE} maps events, by identity,
 * to their {@link Json#writeEvent} bytes; an event found there is copied, any other written as
 * usual.
 */
final class CanonicalEvents {

  /** The writer attribute holding the identity map of events to their bytes. */
  static final Object ATTRIBUTE = CanonicalEvents.class;

  private CanonicalEvents() {}

  /** The module that wraps {@link LogEvent}'s serializer. */
  static SimpleModule module() {
    SimpleModule module = new SimpleModule("traceline-canonical-events");
    module.setSerializerModifier(
        new BeanSerializerModifier() {
          @Override
          public JsonSerializer<?> modifySerializer(
              SerializationConfig config, BeanDescription bean, JsonSerializer<?> serializer) {
            if (bean.getBeanClass() != LogEvent.class) {
              return serializer;
            }
            @SuppressWarnings("unchecked") // the serializer Jackson built for LogEvent
            JsonSerializer<LogEvent> events = (JsonSerializer<LogEvent>) serializer;
            return new Copying(events);
          }
        });
    return module;
  }

  /**
   * Copies an event's known bytes, or delegates to the usual serializer (and passes Jackson's
   * resolution and contextualisation on to it, so that it is set up as it would be unwrapped).
   */
  private static final class Copying extends StdSerializer<LogEvent>
      implements ResolvableSerializer, ContextualSerializer {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized: Jackson serializers are not
    private final JsonSerializer<LogEvent> usual;

    Copying(JsonSerializer<LogEvent> usual) {
      super(LogEvent.class);
      this.usual = usual;
    }

    @Override
    public void resolve(SerializerProvider provider) throws JsonMappingException {
      if (usual instanceof ResolvableSerializer resolvable) {
        resolvable.resolve(provider);
      }
    }

    @Override
    public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
        throws JsonMappingException {
      if (usual instanceof ContextualSerializer contextual) {
        JsonSerializer<?> specific = contextual.createContextual(provider, property);
        if (specific != usual) {
          @SuppressWarnings("unchecked") // contextualised from LogEvent's serializer
          JsonSerializer<LogEvent> events = (JsonSerializer<LogEvent>) specific;
          return new Copying(events);
        }
      }
      return this;
    }

    @Override
    public void serialize(LogEvent event, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      Object attribute = provider.getAttribute(ATTRIBUTE);
      byte[] bytes = attribute instanceof Map<?, ?> known ? (byte[]) known.get(event) : null;
      if (bytes == null) {
        usual.serialize(event, gen, provider);
      } else {
        gen.writeRawValue(new Utf8Bytes(bytes));
      }
    }
  }

  /** JSON text as UTF-8 bytes, for {@link JsonGenerator#writeRawValue(SerializableString)}. */
  private static final class Utf8Bytes implements SerializableString {
    private final byte[] bytes;

    Utf8Bytes(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public String getValue() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
      return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
      throw new UnsupportedOperationException("raw JSON is written unquoted");
    }

    @Override
    public byte[] asUnquotedUTF8() {
      return bytes;
    }

    @Override
    public byte[] asQuotedUTF8() {
      throw new UnsupportedOperationException("raw JSON is written unquoted");
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
      throw new UnsupportedOperationException("raw JSON is written unquoted");
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
      throw new UnsupportedOperationException("raw JSON is written unquoted");
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
      if (offset + bytes.length > buffer.length) {
        return -1;
      }
      System.arraycopy(bytes, 0, buffer, offset, bytes.length);
      return bytes.length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
      String value = getValue();
      if (offset + value.length() > buffer.length) {
        return -1;
      }
      value.getChars(0, value.length(), buffer, offset);
      return value.length();
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
      throw new UnsupportedOperationException("raw JSON is written unquoted");
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
      out.write(bytes);
      return bytes.length;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
      throw new UnsupportedOperationException("raw JSON is written unquoted");
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
      if (buffer.remaining() < bytes.length) {
        return -1;
      }
      buffer.put(bytes);
      return bytes.length;
    }
  }
}
