package dev.orchestra.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.orchestra.internal.io.Text;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

  /** Every enum's constant names in lower case, computed once per enum. */
  private static final ClassValue<String[]> LOWER_CASE_NAMES =
      new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
          Object[] constants = type.getEnumConstants();
          String[] names = new String[constants.length];
          for (int i = 0; i < constants.length; i++) {
            names[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT);
          }
          return names;
        }
      };

  /** The text of the last second formatted, up to and without the fraction and the 'Z'. */
  private record FormattedSecond(long epochSecond, String text) {}

  private static volatile FormattedSecond lastSecond = new FormattedSecond(0, "1970-01-01T00:00:00");

  /** The last second that {@link Instant#toString} gives in four digits: 9999-12-31T23:59:59Z. */
  private static final long MAX_FOUR_DIGIT_YEAR_SECOND = 253_402_300_799L;

  /**
   * Returns the same text as {@link Instant#toString()} (ISO-8601, fraction in groups of three
   * digits, 'Z'). Events of one run share their second, so its text is kept and only the fraction
   * is formatted: {@code Instant.toString} was a tenth of the cost of a task's journal lines.
   *
   * @param value the instant
   * @return its ISO-8601 text
   */
  static String isoInstant(Instant value) {
    long second = value.getEpochSecond();
    FormattedSecond formatted = lastSecond;
    if (formatted.epochSecond() != second) {
      if (second < 0 || second > MAX_FOUR_DIGIT_YEAR_SECOND) {
        return value.toString();
      }
      String whole = Instant.ofEpochSecond(second).toString();
      formatted = new FormattedSecond(second, whole.substring(0, whole.length() - 1));
      lastSecond = formatted;
    }
    int nano = value.getNano();
    StringBuilder b = new StringBuilder(formatted.text().length() + 11).append(formatted.text());
    if (nano != 0) {
      b.append('.');
      if (nano % 1_000_000 == 0) {
        appendPadded(b, nano / 1_000_000, 3);
      } else if (nano % 1_000 == 0) {
        appendPadded(b, nano / 1_000, 6);
      } else {
        appendPadded(b, nano, 9);
      }
    }
    return b.append('Z').toString();
  }

  private static void appendPadded(StringBuilder b, int value, int digits) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < digits; i++) {
      b.append('0');
    }
    b.append(s);
  }

  /**
   * The mapper's writing side must stay what {@link EventLineWriter} does by hand (instants, enums,
   * record components and nothing else): a serializer, mix-in or annotation added here for an event's
   * value changes Jackson's text only, and EventLineWriterTest compares the two.
   */
  private static ObjectMapper newMapper() {
    SimpleModule module = new SimpleModule("orchestra-journal");
    module.addSerializer(
        Instant.class,
        new JsonSerializer<Instant>() {
          @Override
          public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(isoInstant(value));
          }
        });
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Enum<?>> enumClass = (Class) Enum.class;
    module.addSerializer(
        enumClass,
        new JsonSerializer<Enum<?>>() {
          @Override
          public void serialize(Enum<?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(LOWER_CASE_NAMES.get(value.getDeclaringClass())[value.ordinal()]);
          }
        });
    module.addDeserializer(
        Instant.class,
        new JsonDeserializer<Instant>() {
          @Override
          public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            try {
              return Instant.parse(p.getValueAsString());
            } catch (java.time.format.DateTimeParseException e) {
              throw new JsonParseException(p, "not an ISO-8601 instant: " + p.getValueAsString());
            }
          }
        });
    ObjectMapper mapper =
        JsonMapper.builder()
            // Events are their record components: a derived boolean such as Finding.isRefusal() is not.
            .visibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    return mapper.registerModule(module);
  }

  /** The record type of each kind of event, for reading journal lines back. */
  private static final Map<String, Class<? extends OrchestraEvent>> TYPES = types();

  private static Map<String, Class<? extends OrchestraEvent>> types() {
    Map<String, Class<? extends OrchestraEvent>> out = new java.util.HashMap<>();
    for (Class<?> c : OrchestraEvent.class.getPermittedSubclasses()) {
      @SuppressWarnings("unchecked")
      Class<? extends OrchestraEvent> type = (Class<? extends OrchestraEvent>) c;
      String kind = type.getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
      out.put(kind, type);
    }
    for (OrchestraEvent.Kind k : OrchestraEvent.Kind.values()) {
      if (!out.containsKey(k.wireName())) {
        throw new IllegalStateException("no event record for kind " + k);
      }
    }
    return Map.copyOf(out);
  }

  /**
   * The components added to an event after the schema version that first wrote the event, each
   * with the version that first writes it. A line of an older version lacks them, and they are
   * read as their empty value there: an empty list or text, {@code false}, 0. Every other
   * component is in every line of its event since version 1, and a line without it is broken.
   *
   * <p>Version 1 is the form wave 1 (commit 547aaac) wrote. Version 2 added the plan's change to
   * {@code plan_updated} (a version-1 one names the change only, as the event's five-argument
   * constructor makes it) and the gate's Later and Risks notes to {@code gate_finished}.
   */
  private static final Map<Class<? extends OrchestraEvent>, Map<String, Integer>> ADDED =
      Map.of(
          OrchestraEvent.PlanUpdated.class,
              Map.of("goal", 2, "tasks", 2, "removedTaskIds", 2, "later", 2, "risks", 2, "whole", 2),
          OrchestraEvent.GateFinished.class, Map.of("later", 2, "risks", 2));

  /** Each event type's components in order, with the empty value of the ones added later. */
  private static final Map<Class<? extends OrchestraEvent>, List<Component>> COMPONENTS = components();

  /**
   * One record component of an event, as a line holds it.
   *
   * @param name its name in the line
   * @param since the first schema version that writes it
   * @param empty what a line of an earlier version stands for: the empty value of its type
   */
  private record Component(String name, int since, JsonNode empty) {}

  private static Map<Class<? extends OrchestraEvent>, List<Component>> components() {
    Map<Class<? extends OrchestraEvent>, List<Component>> out = new HashMap<>();
    for (Class<? extends OrchestraEvent> type : TYPES.values()) {
      Map<String, Integer> added = ADDED.getOrDefault(type, Map.of());
      List<Component> components = new ArrayList<>();
      for (RecordComponent c : type.getRecordComponents()) {
        Integer since = added.get(c.getName());
        components.add(since == null ? new Component(c.getName(), 1, null) : new Component(c.getName(), since, emptyValue(type, c)));
      }
      for (String name : added.keySet()) {
        if (components.stream().noneMatch(c -> c.name().equals(name))) {
          throw new IllegalStateException(type.getSimpleName() + " has no component '" + name + "' to read as empty");
        }
      }
      out.put(type, List.copyOf(components));
    }
    return Map.copyOf(out);
  }

  private static JsonNode emptyValue(Class<?> type, RecordComponent c) {
    Class<?> t = c.getType();
    if (t == List.class) {
      return JsonNodeFactory.instance.arrayNode();
    } else if (t == String.class) {
      return JsonNodeFactory.instance.textNode("");
    } else if (t == boolean.class) {
      return JsonNodeFactory.instance.booleanNode(false);
    } else if (t == int.class || t == long.class) {
      return JsonNodeFactory.instance.numberNode(0);
    }
    throw new IllegalStateException(type.getSimpleName() + "." + c.getName() + " has no empty value to read from an older line");
  }

  /**
   * Reads a journal line back into its event.
   *
   * @param line one line of the journal, as {@link #appendLine} wrote it
   * @return the event
   * @throws IllegalArgumentException when the line is not an event of a known type and schema
   *     version (the message says why; never quotes more than the type)
   */
  public static OrchestraEvent read(String line) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (IOException e) {
      String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException("not JSON: " + why, e);
    }
    return read(node);
  }

  /**
   * Reads a parsed journal line back into its event. A line of an earlier schema version reads
   * the components added since as their empty value; a line lacking any other component, or of a
   * version later than {@link OrchestraEvent#SCHEMA_VERSION}, is refused.
   *
   * @param node the line's JSON object
   * @return the event
   * @throws IllegalArgumentException when it is not an event of a known type and version, or
   *     lacks a component (the message names it)
   */
  public static OrchestraEvent read(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    int version = version(node.get("v"));
    String type = node.path("type").asText("");
    Class<? extends OrchestraEvent> c = TYPES.get(type);
    if (c == null) {
      throw new IllegalArgumentException("unknown event type '" + Text.oneLine(type) + "'");
    }
    ObjectNode filled = null;
    for (Component component : COMPONENTS.get(c)) {
      if (node.has(component.name())) {
        continue;
      }
      if (version >= component.since()) {
        throw new IllegalArgumentException(
            "a " + type + " event of schema version " + version + " lacks its field '" + component.name() + "'");
      }
      if (filled == null) {
        filled = ((ObjectNode) node).deepCopy();
      }
      filled.set(component.name(), component.empty().deepCopy());
    }
    try {
      return MAPPER.treeToValue(filled == null ? node : filled, c);
    } catch (IOException | RuntimeException e) {
      String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException("a " + type + " event that cannot be read: " + why, e);
    }
  }

  /** The line's schema version: 1 up to {@link OrchestraEvent#SCHEMA_VERSION}. */
  private static int version(JsonNode v) {
    if (v == null) {
      throw new IllegalArgumentException("a line without its schema version 'v'");
    }
    if (!v.isIntegralNumber()) {
      throw new IllegalArgumentException("a schema version 'v' that is not a whole number: " + Text.oneLine(v.toString()));
    }
    if (!v.canConvertToInt() || v.intValue() < 1) {
      throw new IllegalArgumentException("schema version " + Text.oneLine(v.toString()) + " was never written; versions start at 1");
    }
    int version = v.intValue();
    if (version > OrchestraEvent.SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "schema version " + version + ", written by a later Orchestra: this one reads versions 1 to "
              + OrchestraEvent.SCHEMA_VERSION);
    }
    return version;
  }

  /**
   * Returns the event as one JSON line (without the line break).
   *
   * @param event the event
   * @return the line
   */
  public static String line(OrchestraEvent event) {
    return appendLine(new StringBuilder(256), event).toString();
  }

  /**
   * Appends the event as one JSON line (without the line break) to {@code to}: the same text {@link
   * #MAPPER} writes, but written straight into the builder by {@link EventLineWriter}, since this
   * runs for every event of every task.
   *
   * @param to where to append
   * @param event the event
   * @return {@code to}
   * @throws IllegalStateException when the event cannot be serialised
   */
  public static StringBuilder appendLine(StringBuilder to, OrchestraEvent event) {
    int start = to.length();
    to.append("{\"v\":").append(OrchestraEvent.SCHEMA_VERSION).append(",\"type\":\"").append(event.kind().wireName()).append('"');
    try {
      EventLineWriter.appendComponents(to, (Record) event);
    } catch (RuntimeException e) {
      to.setLength(start); // nothing of the failed line is left behind
      throw new IllegalStateException("cannot serialise " + event.kind() + ": " + e.getMessage(), e);
    } catch (Error e) {
      to.setLength(start);
      throw e;
    }
    return to.append('}');
  }

  /** An enum constant's name in lower case, as events write it. */
  static String lowerCaseName(Enum<?> value) {
    return LOWER_CASE_NAMES.get(value.getDeclaringClass())[value.ordinal()];
  }
}
