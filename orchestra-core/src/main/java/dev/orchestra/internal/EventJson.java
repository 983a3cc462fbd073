package dev.orchestra.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.orchestra.event.OrchestraEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;

/**
 * The journal's JSON form of an event: one line, {@code "v"} and {@code "type"} first, instants as
 * ISO-8601 text, enum values in lower case. Not part of Orchestra's API: the journal and {@link
 * dev.orchestra.event.OrchestraListener#jsonLines} use it.
 */
public final class EventJson {
  /** The mapper for events, shared and thread-safe. */
  public static final ObjectMapper MAPPER = newMapper();

  private EventJson() {}

  private static ObjectMapper newMapper() {
    SimpleModule module = new SimpleModule("orchestra-journal");
    module.addSerializer(
        Instant.class,
        new JsonSerializer<Instant>() {
          @Override
          public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.toString());
          }
        });
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Enum<?>> enumClass = (Class) Enum.class;
    module.addSerializer(
        enumClass,
        new JsonSerializer<Enum<?>>() {
          @Override
          public void serialize(Enum<?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.name().toLowerCase(Locale.ROOT));
          }
        });
    return new ObjectMapper().registerModule(module);
  }

  /**
   * Returns the event as one JSON line (without the line break). Built as text rather than through
   * a tree: this runs for every event of every task.
   *
   * @param event the event
   * @return the line
   */
  public static String line(OrchestraEvent event) {
    try {
      String fields = MAPPER.writeValueAsString(event);
      StringBuilder b = new StringBuilder(fields.length() + 40);
      b.append("{\"v\":").append(OrchestraEvent.SCHEMA_VERSION).append(",\"type\":\"").append(event.kind().wireName()).append('"');
      if (fields.length() > 2) {
        b.append(',').append(fields, 1, fields.length());
      } else {
        b.append('}');
      }
      return b.toString();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + event.kind() + ": " + e.getOriginalMessage(), e);
    }
  }
}
