package dev.orchestra.role;

import dev.orchestra.internal.io.CommandEnvironment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which environment variables a child process (a command gate, an agent's command) gets, as
 * Codex's {@code [shell_environment_policy]} describes: start from the parent's variables ({@code
 * inherit}: all, core or none), drop those whose names look like keys, secrets or tokens (unless
 * {@code ignoreDefaultExcludes}), drop the {@code exclude} patterns, add the {@code set} values, and
 * finally keep only the {@code includeOnly} patterns when any are given. Patterns are globs with
 * {@code *} and {@code ?}, matched without regard to case.
 *
 * <p>The run applies it to every process it starts: an agent's {@code run_command}, every command
 * gate and CI check, and the orchestrator's own {@code git}. Variables a gate adds with {@link
 * dev.orchestra.gate.CommandGate.Builder#environment(String, String)} come on top.
 *
 * <p>Orchestra's {@link #defaults()} keep everything but names matching {@code *KEY*}, {@code
 * *SECRET*} and {@code *TOKEN*}, so {@code OPENAI_API_KEY} never reaches a child process, and so
 * never the model through a command's output. That is safer than Codex, whose default (no table,
 * or a table without the key) is {@code ignore_default_excludes = true}: every variable passes.
 * A {@code [shell_environment_policy]} table read by orchestra-toml keeps Codex's meaning.
 *
 * @param inherit which of the parent's variables to start from
 * @param ignoreDefaultExcludes true to keep names that look like keys, secrets and tokens
 * @param exclude name patterns to drop
 * @param set variables to add or override
 * @param includeOnly name patterns to keep, all others dropped; empty to keep all
 */
public record ShellEnvironmentPolicy(
    Inherit inherit,
    boolean ignoreDefaultExcludes,
    List<String> exclude,
    Map<String, String> set,
    List<String> includeOnly) {

  /** The patterns dropped unless {@code ignoreDefaultExcludes}. */
  public static final List<String> DEFAULT_EXCLUDES = List.of("*KEY*", "*SECRET*", "*TOKEN*");

  /** The variables {@link Inherit#CORE} keeps. */
  public static final Set<String> CORE_VARIABLES =
      Set.of("HOME", "LOGNAME", "PATH", "SHELL", "USER", "USERNAME", "TMPDIR", "TEMP", "TMP");

  /** Where the child's environment starts. */
  public enum Inherit {
    /** All of the parent's variables. */
    ALL,
    /** Only {@link #CORE_VARIABLES}. */
    CORE,
    /** None. */
    NONE
  }

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException when a variable of {@code set} has an empty name, a name with
   *     {@code =} or NUL, or a value with NUL: no process environment can hold it
   */
  public ShellEnvironmentPolicy {
    Objects.requireNonNull(inherit, "inherit");
    exclude = List.copyOf(exclude);
    set = Map.copyOf(set);
    includeOnly = List.copyOf(includeOnly);
    set.forEach((name, value) -> CommandEnvironment.check(name, value, "shell_environment_policy.set"));
  }

  /** Returns the default policy: inherit all, drop keys, secrets and tokens. */
  public static ShellEnvironmentPolicy defaults() {
    return new ShellEnvironmentPolicy(Inherit.ALL, false, List.of(), Map.of(), List.of());
  }

  /**
   * Returns the environment for a child process.
   *
   * @param parent the parent's environment, usually {@link System#getenv()}
   * @return the child's environment, sorted by name
   */
  public Map<String, String> apply(Map<String, String> parent) {
    Map<String, String> env = new TreeMap<>();
    switch (inherit) {
      case ALL -> env.putAll(parent);
      case CORE -> parent.forEach((k, v) -> {
        if (CORE_VARIABLES.contains(k)) {
          env.put(k, v);
        }
      });
      case NONE -> { }
    }
    List<Pattern> drop = new ArrayList<>();
    if (!ignoreDefaultExcludes) {
      DEFAULT_EXCLUDES.forEach(p -> drop.add(glob(p)));
    }
    exclude.forEach(p -> drop.add(glob(p)));
    env.keySet().removeIf(name -> drop.stream().anyMatch(p -> p.matcher(name).matches()));
    env.putAll(set);
    if (!includeOnly.isEmpty()) {
      List<Pattern> keep = includeOnly.stream().map(ShellEnvironmentPolicy::glob).toList();
      env.keySet().removeIf(name -> keep.stream().noneMatch(p -> p.matcher(name).matches()));
    }
    return new LinkedHashMap<>(env);
  }

  private static Pattern glob(String pattern) {
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  @Override
  public String toString() {
    // The set values may hold secrets a user chose to pass; never print them.
    return "ShellEnvironmentPolicy[inherit=" + inherit.name().toLowerCase(Locale.ROOT) + ", ignoreDefaultExcludes="
        + ignoreDefaultExcludes + ", exclude=" + exclude + ", set=" + set.keySet() + ", includeOnly=" + includeOnly + "]";
  }
}
