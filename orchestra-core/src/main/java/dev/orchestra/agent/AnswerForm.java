package dev.orchestra.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestra.internal.answer.Answers;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.json.Json;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A role's answer form, derived from its answer record in {@link Answers} by reading the record's
 * components: the JSON Schema requested from the model, the same form as a one-line template for
 * the prompt, and a reader that checks an answer against the form and makes the record of it.
 *
 * <p>The reader is lenient where a model's slip costs nothing and precise where it does not: a
 * field left out or null takes its empty value (unless it is {@link Answers.Required}), text is
 * put on one line, blank items are dropped from lists of strings, and numbers or booleans are
 * accepted as text. A value of the wrong type is an error that names the field, worded for the
 * model to repair. The reader checks and converts every value itself, so those messages are ours,
 * not Jackson's.
 *
 * @param <A> the answer record
 */
final class AnswerForm<A extends Record> {
  /** The JSON type of a field, from the component's Java type. */
  private enum Kind {
    TEXT,
    INTEGER,
    BOOLEAN,
    TEXTS,
    OBJECTS
  }

  /** Whether a field must be there, which sets when the reader checks it: required fields first. */
  private enum Check {
    REQUIRED_FIRST,
    REQUIRED,
    OPTIONAL
  }

  /**
   * One field of the form.
   *
   * @param index the component's position in the record
   * @param words the words a text field offers, empty when any text goes
   * @param strict whether a word outside {@code words} is an error
   * @param items the form of a list's objects, or null for other kinds
   */
  private record Field(int index, String name, Kind kind, Check check, List<String> words, boolean strict, AnswerForm<?> items) {}

  private final Class<A> type;
  /** The fields in the record's order, which is the schema's and the template's. */
  private final List<Field> fields;
  /** The same fields in the order the reader checks them. */
  private final List<Field> checkOrder;
  private final String noun;
  /** The record's canonical constructor, which the reader calls with the checked values. */
  private final Constructor<A> constructor;

  private AnswerForm(Class<A> type) {
    this.type = type;
    RecordComponent[] components = type.getRecordComponents();
    this.fields = IntStream.range(0, components.length).mapToObj(i -> field(i, components[i])).toList();
    this.checkOrder = fields.stream().sorted(Comparator.comparing(Field::check)).toList();
    String name = type.getSimpleName().replaceFirst("Answer$", "");
    this.noun = Character.toLowerCase(name.charAt(0)) + name.substring(1) + "s";
    try {
      this.constructor = type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(type + " has no canonical constructor", e); // every record has one
    }
  }

  /**
   * Returns the form of an answer record.
   *
   * @throws IllegalArgumentException when a component has a type the form cannot express
   */
  static <A extends Record> AnswerForm<A> of(Class<A> type) {
    return new AnswerForm<>(type);
  }

  private static Field field(int index, RecordComponent c) {
    Answers.Required required = c.getAnnotation(Answers.Required.class);
    Check check = required == null ? Check.OPTIONAL : required.first() ? Check.REQUIRED_FIRST : Check.REQUIRED;
    Answers.OneOf oneOf = c.getAnnotation(Answers.OneOf.class);
    Class<?> t = c.getType();
    if (t == String.class) {
      if (oneOf == null) {
        return new Field(index, c.getName(), Kind.TEXT, check, List.of(), false, null);
      }
      List<String> words =
          Arrays.stream(oneOf.value().getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
      return new Field(index, c.getName(), Kind.TEXT, check, words, oneOf.strict(), null);
    }
    if (oneOf != null) {
      throw new IllegalArgumentException(c + ": only a String takes @OneOf");
    }
    if (t == int.class) {
      return new Field(index, c.getName(), Kind.INTEGER, check, List.of(), false, null);
    }
    if (t == boolean.class) {
      return new Field(index, c.getName(), Kind.BOOLEAN, check, List.of(), false, null);
    }
    if (t == List.class && c.getGenericType() instanceof ParameterizedType p) {
      Type item = p.getActualTypeArguments()[0];
      if (item == String.class) {
        return new Field(index, c.getName(), Kind.TEXTS, check, List.of(), false, null);
      }
      if (item instanceof Class<?> k && k.isRecord()) {
        return new Field(index, c.getName(), Kind.OBJECTS, check, List.of(), false, of(k.asSubclass(Record.class)));
      }
    }
    throw new IllegalArgumentException(c + ": an answer field is a String, int, boolean or a List of String or of a record");
  }

  /**
   * Returns the JSON Schema of the form in the strict form structured output asks for: every
   * property listed as required and nothing else allowed. (What the parser requires is the
   * narrower {@link Answers.Required} set, since many servers do not enforce the schema.)
   */
  ObjectNode schema() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("type", "object");
    ObjectNode properties = o.putObject("properties");
    ArrayNode required = o.putArray("required");
    for (Field f : fields) {
      properties.set(f.name(), schema(f));
      required.add(f.name());
    }
    o.put("additionalProperties", false);
    return o;
  }

  private static ObjectNode schema(Field f) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    switch (f.kind()) {
      case TEXT -> {
        s.put("type", "string");
        if (!f.words().isEmpty()) {
          f.words().forEach(s.putArray("enum")::add);
        }
      }
      case INTEGER -> s.put("type", "integer");
      case BOOLEAN -> s.put("type", "boolean");
      case TEXTS -> s.put("type", "array").putObject("items").put("type", "string");
      case OBJECTS -> s.put("type", "array").set("items", f.items().schema());
    }
    return s;
  }

  /** Returns the form as a one-line JSON template a model can follow without the schema setting. */
  String template() {
    return fields.stream().map(f -> "\"" + f.name() + "\": " + template(f)).collect(Collectors.joining(", ", "{", "}"));
  }

  private static String template(Field f) {
    return switch (f.kind()) {
      case TEXT -> f.words().isEmpty() ? "\"...\"" : "\"" + String.join("|", f.words()) + "\"";
      case INTEGER -> "0";
      case BOOLEAN -> "true|false";
      case TEXTS -> "[\"...\", ...]";
      case OBJECTS -> "[" + f.items().template() + ", ...]";
    };
  }

  /**
   * Checks an answer against the form and makes its record. Each required field is checked in full (there,
   * of its type, one of its words) before the next, those marked first before the rest; then the
   * other fields. The first fault found is the error. The checked values go straight to the
   * record's constructor: binding them through Jackson again cost as much as the check.
   *
   * @param answer a JSON object
   * @return the answer record
   * @throws Reports.ParseException with what the model should fix
   */
  A read(JsonNode answer) throws Reports.ParseException {
    Object[] values = new Object[fields.size()];
    for (Field f : checkOrder) {
      values[f.index()] = value(f, answer.get(f.name()));
    }
    try {
      return constructor.newInstance(values);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("a checked answer did not make a " + type.getSimpleName() + ": " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot make a " + type.getSimpleName(), e);
    }
  }

  /** Returns the field's value as the record takes it: checked, on one line, never null. */
  private static Object value(Field f, JsonNode v) throws Reports.ParseException {
    boolean absent = v == null || v.isNull();
    if (absent && f.check() != Check.OPTIONAL) {
      throw new Reports.ParseException("field '" + f.name() + "' is missing; the answer must have it");
    }
    return switch (f.kind()) {
      case TEXT -> absent ? "" : word(f, text(f, v));
      case INTEGER -> absent ? 0 : integer(f, v);
      case BOOLEAN -> !absent && bool(f, v);
      case TEXTS -> absent ? List.of() : texts(f, v);
      case OBJECTS -> absent ? List.of() : objects(f, v);
    };
  }

  /** Returns a strict field's text as its word, in lower case; other text as it is. */
  private static String word(Field f, String text) throws Reports.ParseException {
    if (!f.strict()) {
      return text;
    }
    String word = text.toLowerCase(Locale.ROOT);
    if (!f.words().contains(word)) {
      int last = f.words().size() - 1;
      String others = f.words().subList(0, last).stream().map(w -> "\"" + w + "\"").collect(Collectors.joining(", "));
      throw new Reports.ParseException(
          "field '" + f.name() + "' must be " + others + " or \"" + f.words().get(last) + "\", got \"" + word + "\"");
    }
    return word;
  }

  private static String text(Field f, JsonNode v) throws Reports.ParseException {
    if (!v.isValueNode()) {
      throw new Reports.ParseException("field '" + f.name() + "' must be a string");
    }
    return Text.oneLine(v.asText());
  }

  private static int integer(Field f, JsonNode v) throws Reports.ParseException {
    if (!v.canConvertToInt() || v.asInt() < 0) {
      throw new Reports.ParseException("field '" + f.name() + "' must be a non-negative integer");
    }
    return v.asInt();
  }

  private static boolean bool(Field f, JsonNode v) throws Reports.ParseException {
    if (!v.isBoolean()) {
      throw new Reports.ParseException("field '" + f.name() + "' must be true or false");
    }
    return v.booleanValue();
  }

  private static List<String> texts(Field f, JsonNode v) throws Reports.ParseException {
    if (!v.isArray()) {
      throw new Reports.ParseException("field '" + f.name() + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode item : v) {
      if (!item.isValueNode()) {
        throw new Reports.ParseException("field '" + f.name() + "' must be an array of strings");
      }
      String s = Text.oneLine(item.asText());
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static List<Record> objects(Field f, JsonNode v) throws Reports.ParseException {
    if (!v.isArray()) {
      throw new Reports.ParseException("field '" + f.name() + "' must be an array of " + f.items().noun);
    }
    List<Record> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isObject()) {
        throw new Reports.ParseException(f.name() + "[" + i + "] must be an object");
      }
      out.add(f.items().read(v.get(i)));
    }
    return out;
  }
}
