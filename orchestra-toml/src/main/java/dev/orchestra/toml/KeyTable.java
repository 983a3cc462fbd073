package dev.orchestra.toml;

import dev.orchestra.toml.SettingsReader.Scope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys one Codex table takes, each written once as a rule: its name, the check of its value
 * (which reports a wrong type or value and converts the value), what reading it does with the
 * checked value, and the scopes where it is known. A key no rule takes in the scope read goes to
 * the caller's handler of unknown keys. Immutable once built; {@link Schema} holds every table.
 *
 * @param <T> what a read of the table fills in (a draft of the settings the table describes)
 */
final class KeyTable<T> {

  /** Checks a value: its converted form, or null once the reader has reported what is wrong with it. */
  @FunctionalInterface
  interface Type<V> {
    V check(SettingsReader reader, Val value, String path);
  }

  /** What reading a key does with its checked value. */
  @FunctionalInterface
  interface Apply<T, V> {
    void apply(T target, V value, Val at, String path);
  }

  /** Handles a key the table does not take in the scope read. */
  @FunctionalInterface
  interface Unknown {
    void report(String key, Val value, String path);
  }

  /** Any value: the key is known, and Codex (or a later step) judges its value. */
  static final Type<Val> ANY = (r, v, path) -> v;

  private record Rule<T, V>(Type<V> type, Apply<T, V> apply, Set<Scope> scopes) {
    void read(SettingsReader reader, T target, Val v, String path) {
      V value = type.check(reader, v, path);
      if (value != null) {
        apply.apply(target, value, v, path);
      }
    }
  }

  private final Map<String, List<Rule<T, ?>>> rules;

  private KeyTable(Map<String, List<Rule<T, ?>>> rules) {
    this.rules = rules;
  }

  /** Returns a builder of a table's rules. */
  static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /** The keys known in a scope, in the order they were declared. */
  Set<String> keys(Scope scope) {
    Set<String> out = new LinkedHashSet<>();
    rules.forEach((k, list) -> {
      if (list.stream().anyMatch(rule -> rule.scopes().contains(scope))) {
        out.add(k);
      }
    });
    return Collections.unmodifiableSet(out);
  }

  /** The keys known in {@link Scope#CONFIG}: for the tables below the top level, whose rules hold in every scope. */
  Set<String> keys() {
    return keys(Scope.CONFIG);
  }

  /** Whether a rule takes the key in the scope. */
  boolean knows(String key, Scope scope) {
    return rules.getOrDefault(key, List.of()).stream().anyMatch(rule -> rule.scopes().contains(scope));
  }

  /**
   * Reads every entry of a table in a scope: a known key through its rule, any other through
   * {@code unknown}.
   *
   * @param prefix the table's dotted path followed by a dot, or empty for a file's top level
   */
  void read(SettingsReader reader, Map<String, Val> table, String prefix, T target, Scope scope, Unknown unknown) {
    for (Map.Entry<String, Val> e : table.entrySet()) {
      read(reader, e.getKey(), e.getValue(), prefix + e.getKey(), target, scope, unknown);
    }
  }

  /** Reads one entry of a table; see {@link #read(SettingsReader, Map, String, Object, Scope, Unknown)}. */
  void read(SettingsReader reader, String key, Val value, String path, T target, Scope scope, Unknown unknown) {
    for (Rule<T, ?> rule : rules.getOrDefault(key, List.of())) {
      if (rule.scopes().contains(scope)) {
        rule.read(reader, target, value, path);
        return;
      }
    }
    unknown.report(key, value, path);
  }

  /** Collects the rules of a table. */
  static final class Builder<T> {
    private final Map<String, List<Rule<T, ?>>> rules = new LinkedHashMap<>();

    /**
     * Adds a key known in the given scopes (in every scope when none are named). A key may have one
     * rule per scope.
     */
    <V> Builder<T> key(String key, Type<V> type, Apply<T, V> apply, Scope... scopes) {
      Set<Scope> in = scopes.length == 0 ? EnumSet.allOf(Scope.class) : EnumSet.of(scopes[0], scopes);
      List<Rule<T, ?>> list = rules.computeIfAbsent(key, k -> new ArrayList<>());
      for (Rule<T, ?> earlier : list) {
        if (!Collections.disjoint(earlier.scopes(), in)) {
          throw new IllegalStateException("key '" + key + "' has two rules for " + in);
        }
      }
      list.add(new Rule<>(type, apply, in));
      return this;
    }

    /** Adds keys whose values are kept as they are, with nothing to check or apply. */
    Builder<T> known(String... keys) {
      for (String k : keys) {
        key(k, ANY, (t, v, at, path) -> { });
      }
      return this;
    }

    /** Returns the table, its rules copied. */
    KeyTable<T> build() {
      Map<String, List<Rule<T, ?>>> copy = new LinkedHashMap<>();
      rules.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      return new KeyTable<>(Collections.unmodifiableMap(copy));
    }
  }
}
