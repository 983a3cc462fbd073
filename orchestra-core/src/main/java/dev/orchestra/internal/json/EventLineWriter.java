package dev.orchestra.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Collection;

/**
 * Writes an event's record components as JSON straight into a builder: the journal's form, the
 * same text Jackson writes with {@link EventJson#MAPPER} (components in order, instants as
 * ISO-8601 text, enum values in lower case, strings escaped as Jackson escapes them). It runs for
 * every event of every task, where Jackson's generator set up for each line was a fifth of an
 * agent's time per task. A value of a type it does not know is left to Jackson. Thread-safe.
 */
final class EventLineWriter {
  private EventLineWriter() {}

  /** An accessor's type once adapted, so that each call is an exact one (no adaptation per call). */
  private static final MethodType READ = MethodType.methodType(Object.class, Record.class);

  /** One component: its key as written ({@code "name":}) and its accessor. */
  private record Component(String key, MethodHandle accessor) {}

  private static final ClassValue<Component[]> COMPONENTS =
      new ClassValue<>() {
        @Override
        protected Component[] computeValue(Class<?> type) {
          RecordComponent[] rc = type.getRecordComponents();
          Component[] out = new Component[rc.length];
          MethodHandles.Lookup lookup = MethodHandles.publicLookup();
          for (int i = 0; i < rc.length; i++) {
            try {
              out[i] = new Component(quoted(rc[i].getName()) + ":", lookup.unreflect(rc[i].getAccessor()).asType(READ));
            } catch (IllegalAccessException e) {
              throw new IllegalStateException("cannot read " + type.getName() + "." + rc[i].getName(), e);
            }
          }
          return out;
        }
      };

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /**
   * Appends a record's components, each as {@code ,"name":value}: what follows the line's
   * {@code "v"} and {@code "type"}.
   *
   * @throws IllegalStateException when a component cannot be read or written
   */
  static void appendComponents(StringBuilder to, Record record) {
    for (Component c : COMPONENTS.get(record.getClass())) {
      to.append(',').append(c.key());
      value(to, read(c, record));
    }
  }

  private static Object read(Component c, Record record) {
    try {
      return (Object) c.accessor().invokeExact(record);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static void value(StringBuilder to, Object v) {
    if (v == null) {
      to.append("null");
    } else if (v instanceof String s) {
      string(to, s);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      to.append(((Number) v).longValue());
    } else if (v instanceof Boolean b) {
      to.append(b.booleanValue());
    } else if (v instanceof Enum<?> e) {
      to.append('"').append(EventJson.lowerCaseName(e)).append('"');
    } else if (v instanceof Instant i) {
      to.append('"').append(EventJson.isoInstant(i)).append('"');
    } else if (v instanceof Collection<?> items) {
      to.append('[');
      boolean first = true;
      for (Object item : items) {
        if (!first) {
          to.append(',');
        }
        first = false;
        value(to, item);
      }
      to.append(']');
    } else if (v instanceof Record r) {
      int open = to.length();
      appendComponents(to, r);
      if (to.length() == open) {
        to.append('{');
      } else {
        to.setCharAt(open, '{'); // the first component's comma
      }
      to.append('}');
    } else {
      try {
        to.append(EventJson.MAPPER.writeValueAsString(v));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e.getOriginalMessage(), e);
      }
    }
  }

  /** Appends a JSON string as Jackson writes it: quotes, backslashes and control characters escaped. */
  static void string(StringBuilder to, String s) {
    to.append('"');
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      to.append(s, from, i);
      from = i + 1;
      switch (c) {
        case '"' -> to.append("\\\"");
        case '\\' -> to.append("\\\\");
        case '\b' -> to.append("\\b");
        case '\t' -> to.append("\\t");
        case '\n' -> to.append("\\n");
        case '\f' -> to.append("\\f");
        case '\r' -> to.append("\\r");
        default -> to.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    to.append(s, from, s.length()).append('"');
  }

  private static String quoted(String name) {
    StringBuilder b = new StringBuilder(name.length() + 2);
    string(b, name);
    return b.toString();
  }
}
