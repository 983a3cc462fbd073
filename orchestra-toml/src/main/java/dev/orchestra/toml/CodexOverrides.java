package dev.orchestra.toml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * A Codex role file as {@code -c key=value} overrides, one per leaf key, so a Codex process started
 * for the role gets what Codex would apply to it (its MCP servers, skills, features and other
 * settings) without Orchestra copying anything into the user's {@code CODEX_HOME}.
 */
final class CodexOverrides {
  /**
   * Keys not passed on: the role's own identity, which is no configuration key; the settings
   * Orchestra passes itself from the role (capped by the run's sandbox ceiling); and the run-level
   * tables every command of a run gets from the run, as verify says (a role's own shell policy
   * would also replace the list that keeps Codex's own variables from its commands).
   */
  static final Set<String> NOT_PASSED =
      Set.of(
          "name", "description", "nickname_candidates", "model", "model_reasoning_effort", "sandbox_mode", "approval_policy",
          "developer_instructions", "shell_environment_policy", "sandbox_workspace_write");

  private CodexOverrides() {}

  /**
   * A role file as overrides, and the variables its MCP servers are given.
   *
   * @param overrides {@code key=value}, in file order
   * @param variables each MCP server's {@code env} entry, by variable name, forwarded to the server
   *     with its {@code env_vars}, and each static {@code http_headers} value of a streamable HTTP
   *     server, named in its {@code env_http_headers} (see {@link #variable}): passed through
   *     Codex's environment, so a token in them never shows on a command line
   */
  record Flattened(List<String> overrides, Map<String, String> variables) {}

  static Flattened of(Path roleFile) {
    TomlParseResult toml;
    try {
      toml = Toml.parse(roleFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the role file " + roleFile + ": " + e.getMessage(), e);
    }
    if (toml.hasErrors()) {
      throw new IllegalStateException("the role file " + roleFile + " does not parse: " + toml.errors().get(0));
    }
    List<String> out = new ArrayList<>();
    Map<String, String> variables = new LinkedHashMap<>();
    Map<String, String> variableKeys = new HashMap<>();
    Path dir = roleFile.toAbsolutePath().getParent();
    for (String key : toml.keySet()) {
      if (NOT_PASSED.contains(key)) {
        continue;
      }
      if (key.equals("mcp_servers") && toml.get(List.of(key)) instanceof TomlTable servers) {
        for (String server : servers.keySet()) {
          if (servers.get(List.of(server)) instanceof TomlTable t) {
            mcpServer(roleFile, server, t, dir, out, variables, variableKeys);
          } else {
            flatten(List.of(key, server), servers.get(List.of(server)), dir, out);
          }
        }
      } else if (key.equals("model_providers") && toml.get(List.of(key)) instanceof TomlTable providers) {
        for (String id : providers.keySet()) {
          if (providers.get(List.of(id)) instanceof TomlTable t) {
            provider(roleFile, id, t, dir, out, variables, variableKeys);
          } else {
            flatten(List.of(key, id), providers.get(List.of(id)), dir, out);
          }
        }
      } else {
        if (key.equals("otel") && toml.get(List.of(key)) instanceof TomlTable otel && holdsHeaders(otel)) {
          throw new IllegalStateException(
              "the role file " + roleFile + " gives [otel] exporter headers, which would show on Codex's command line; put [otel] in"
                  + " config.toml, which the role's Codex process reads as it is");
        }
        flatten(List.of(key), toml.get(List.of(key)), dir, out);
      }
    }
    return new Flattened(List.copyOf(out), Collections.unmodifiableMap(variables));
  }

  /**
   * One MCP server: its {@code env} values go to {@code variables}, and their names join its {@code
   * env_vars}; everything else is flattened.
   */
  private static void mcpServer(
      Path roleFile, String server, TomlTable t, Path dir, List<String> out, Map<String, String> variables, Map<String, String> variableKeys) {
    List<String> path = List.of("mcp_servers", server);
    TomlTable env = t.get(List.of("env")) instanceof TomlTable e ? e : null;
    List<String> forwarded = new ArrayList<>();
    if (t.get(List.of("env_vars")) instanceof TomlArray a) {
      for (int i = 0; i < a.size(); i++) {
        forwarded.add(value(a.get(i)));
      }
    }
    for (String k : t.keySet()) {
      if (k.equals("env_vars") && env != null) {
        continue; // written below, with the env's names
      }
      if (k.equals("http_headers") && t.get(List.of(k)) instanceof TomlTable headers) {
        staticHeaders(roleFile, path, t, headers, "MCP", dir, out, variables, variableKeys);
        continue;
      }
      if (k.equals("env") && env != null) {
        for (String name : env.keySet()) {
          Object v = env.get(List.of(name));
          if (!(v instanceof String text)) {
            flatten(List.of("mcp_servers", server, "env", name), v, dir, out); // Codex will say what is wrong with it
            continue;
          }
          share(roleFile, TomlLiterals.key(List.of("mcp_servers", server, "env", name)), name, text, variables, variableKeys);
          if (!alreadyForwarded(t, name)) {
            forwarded.add(TomlLiterals.string(name));
          }
        }
        continue;
      }
      List<String> deeper = new ArrayList<>(path);
      deeper.add(k);
      flatten(deeper, t.get(List.of(k)), dir, out);
    }
    if (env != null && !forwarded.isEmpty()) {
      out.add(TomlLiterals.key(List.of("mcp_servers", server, "env_vars")) + "=[" + String.join(", ", forwarded.stream().distinct().toList()) + "]");
    }
  }

  /**
   * One provider: its static {@code http_headers} and {@code experimental_bearer_token} go to
   * {@code variables}, named by {@code env_http_headers} and {@code env_key}; everything else is
   * flattened.
   */
  private static void provider(
      Path roleFile, String id, TomlTable t, Path dir, List<String> out, Map<String, String> variables, Map<String, String> variableKeys) {
    List<String> path = List.of("model_providers", id);
    for (String k : t.keySet()) {
      Object v = t.get(List.of(k));
      if (k.equals("http_headers") && v instanceof TomlTable headers) {
        staticHeaders(roleFile, path, t, headers, "PROVIDER", dir, out, variables, variableKeys);
      } else if (k.equals("experimental_bearer_token") && v instanceof String token) {
        if (t.contains(List.of("env_key"))) {
          throw new IllegalStateException(
              "the role file " + roleFile + " sets " + key(path, k) + " and " + key(path, "env_key") + "; Orchestra passes the token through"
                  + " Codex's environment, named by env_key, so keep one of the two");
        }
        String name = variable("PROVIDER", id, "BEARER_TOKEN");
        share(roleFile, key(path, k), name, token, variables, variableKeys);
        out.add(key(path, "env_key") + "=" + TomlLiterals.string(name));
      } else {
        List<String> deeper = new ArrayList<>(path);
        deeper.add(k);
        flatten(deeper, v, dir, out);
      }
    }
  }

  /**
   * A table's static {@code http_headers}: a header often carries a token, so each value goes
   * through Codex's environment, named by {@code env_http_headers}, which Codex sends the same way
   * when the variable is set.
   */
  private static void staticHeaders(
      Path roleFile, List<String> path, TomlTable t, TomlTable headers, String kind, Path dir, List<String> out, Map<String, String> variables,
      Map<String, String> variableKeys) {
    TomlTable fromEnv = t.get(List.of("env_http_headers")) instanceof TomlTable e ? e : null;
    for (String header : headers.keySet()) {
      Object v = headers.get(List.of(header));
      List<String> at = new ArrayList<>(path);
      at.add("http_headers");
      at.add(header);
      if (!(v instanceof String text)) {
        flatten(at, v, dir, out); // Codex will say what is wrong with it
        continue;
      }
      if (fromEnv != null && fromEnv.keySet().stream().anyMatch(header::equalsIgnoreCase)) {
        // Codex sends the variable's value when it is set and the static one otherwise; with the
        // static one moved into a variable of its own, one of the two would be lost.
        throw new IllegalStateException(
            "the role file " + roleFile + " sets " + TomlLiterals.key(at) + " and " + key(path, "env_http_headers", header)
                + "; Orchestra passes a static header through Codex's environment, so keep one of the two");
      }
      String name = variable(kind, path.get(1), header);
      share(roleFile, TomlLiterals.key(at), name, text, variables, variableKeys);
      out.add(key(path, "env_http_headers", header) + "=" + TomlLiterals.string(name));
    }
  }

  private static String key(List<String> path, String... more) {
    List<String> all = new ArrayList<>(path);
    all.addAll(List.of(more));
    return TomlLiterals.key(all);
  }

  /** Whether an [otel] table holds exporter headers at any depth. */
  private static boolean holdsHeaders(TomlTable t) {
    for (String k : t.keySet()) {
      Object v = t.get(List.of(k));
      if (k.equals("headers") || v instanceof TomlTable sub && holdsHeaders(sub)) {
        return true;
      }
    }
    return false;
  }

  /** Adds a variable given at {@code where}, refusing a name that an earlier key gave another value. */
  private static void share(
      Path roleFile, String where, String name, String value, Map<String, String> variables, Map<String, String> variableKeys) {
    if (value.indexOf('\0') >= 0) {
      // No process environment holds it, and the JDK's refusal would quote the value.
      throw new IllegalStateException("the role file " + roleFile + " gives " + where + " a value with a NUL character, which no environment can hold");
    }
    String earlier = variableKeys.putIfAbsent(name, where);
    if (earlier != null && !variables.get(name).equals(value)) {
      throw new IllegalStateException(
          "the role file " + roleFile + " gives " + earlier + " and " + where + " different values; Orchestra passes MCP servers'"
              + " variables through Codex's environment, where one name holds one value");
    }
    variables.put(name, value);
  }

  /**
   * The variable that carries a secret a role file gives: {@code ORCHESTRA_<KIND>_<OWNER>_<NAME>_<HASH>}
   * (for a server's or provider's header, or a provider's token), the names upper case with every
   * other character an underscore, and eight hex digits of a SHA-256 of the exact names, so that two
   * that read alike ({@code a-b}/{@code c} and {@code a}/{@code b-c}) get two variables.
   */
  static String variable(String kind, String owner, String name) {
    String readable = ("ORCHESTRA_" + kind + "_" + owner + "_" + name).toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest((kind + "\0" + owner + "\0" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return readable + "_" + java.util.HexFormat.of().withUpperCase().formatHex(digest, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e); // every Java SE has it
    }
  }

  /** Whether the server's own env_vars already names the variable, as a name or as {@code {name = ...}}. */
  private static boolean alreadyForwarded(TomlTable server, String name) {
    if (server.get(List.of("env_vars")) instanceof TomlArray a) {
      for (int i = 0; i < a.size(); i++) {
        Object item = a.get(i);
        if (name.equals(item) || item instanceof TomlTable t && name.equals(t.get(List.of("name")))) {
          return true;
        }
      }
    }
    return false;
  }

  private static void flatten(List<String> path, Object value, Path dir, List<String> out) {
    if (value instanceof TomlTable t) {
      for (String k : t.keySet()) {
        List<String> deeper = new ArrayList<>(path);
        deeper.add(k);
        flatten(deeper, t.get(List.of(k)), dir, out);
      }
    } else {
      Object v = value instanceof String s && isPath(path, s) ? dir.resolve(s).normalize().toString() : value;
      out.add(TomlLiterals.key(path) + "=" + value(v));
    }
  }

  /**
   * Whether a value is a relative path, which Codex resolves against the file it read it from: here
   * the role file's folder, not the task's (where Codex runs with the override).
   */
  private static boolean isPath(List<String> path, String value) {
    if (value.isEmpty() || Path.of(value).isAbsolute()) {
      return false;
    }
    String last = path.get(path.size() - 1);
    boolean mcp = path.size() == 3 && path.get(0).equals("mcp_servers");
    return path.equals(List.of("model_instructions_file"))
        || mcp && last.equals("cwd")
        || mcp && last.equals("command") && value.contains("/"); // a program by path, not one on the PATH
  }

  /** A TOML value written inline: what Codex parses after the {@code =}. */
  static String value(Object v) {
    if (v instanceof String s) {
      return TomlLiterals.string(s);
    }
    if (v instanceof TomlArray a) {
      List<String> items = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        items.add(value(a.get(i)));
      }
      return "[" + String.join(", ", items) + "]";
    }
    if (v instanceof TomlTable t) {
      List<String> items = new ArrayList<>();
      for (String k : t.keySet()) {
        items.add(key(k) + " = " + value(t.get(List.of(k))));
      }
      return "{" + String.join(", ", items) + "}";
    }
    if (v instanceof Double d) {
      return TomlLiterals.number(d);
    }
    return String.valueOf(v); // integers, booleans, dates and times as TOML writes them
  }

  private static String key(String k) {
    return TomlLiterals.key(k);
  }
}
