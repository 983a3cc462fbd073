package dev.orchestra.toml;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A role as Codex defines it: an {@code [agents.<name>]} table, the role file it points to, or a
 * role file discovered under an {@code agents/} folder, after layers were merged. Immutable and
 * thread-safe. {@link LoadedConfig#toRoles()} turns these into core {@link dev.orchestra.role.Role}s.
 */
public final class AgentRole {
  private final String name;
  private final String description;
  private final Path configFile;
  private final List<String> nicknameCandidates;
  private final CodexSettings settings;
  private final Path source;

  AgentRole(
      String name,
      String description,
      Path configFile,
      List<String> nicknameCandidates,
      CodexSettings settings,
      Path source) {
    this.name = Objects.requireNonNull(name, "name");
    this.description = Objects.requireNonNull(description, "description");
    this.configFile = configFile;
    this.nicknameCandidates = List.copyOf(nicknameCandidates);
    this.settings = Objects.requireNonNull(settings, "settings");
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * Returns the role's name: the {@code [agents.<name>]} key, or the role file's {@code name},
   * which renames the role.
   */
  public String name() {
    return name;
  }

  /** Returns the description, trimmed; never blank (a role without one cannot be loaded). */
  public String description() {
    return description;
  }

  /** Returns the role file, absolute and normalised, when the role has one. */
  public Optional<Path> configFile() {
    return Optional.ofNullable(configFile);
  }

  /** Returns the nicknames Codex picks from for agents in this role, trimmed; empty when none. */
  public List<String> nicknameCandidates() {
    return nicknameCandidates;
  }

  /**
   * Returns the role file's settings (model, effort, sandbox, instructions, ...), which apply over
   * the base configuration; empty settings when the role has no file.
   */
  public CodexSettings settings() {
    return settings;
  }

  /** Returns the file that defined the role: a {@code config.toml}, or a discovered role file. */
  public Path source() {
    return source;
  }

  /**
   * Returns what the role's file gives it, as Codex {@code -c key=value} overrides (one per leaf
   * key, the value written as TOML) for a Codex process that runs the role: its MCP servers, skills,
   * features and other settings. Left out are {@code name}, {@code description} and {@code
   * nickname_candidates}, which are no settings, and the model, reasoning effort, sandbox mode,
   * approval policy and developer instructions, which Orchestra passes from the role itself (its
   * sandbox capped by the run's ceiling). A relative {@code model_instructions_file}, and an MCP
   * server's relative {@code cwd} or {@code command} path, are resolved against the role file's
   * folder, as Codex resolves them when it reads the file. The values of an MCP server's {@code env}
   * and of a streamable HTTP server's static {@code http_headers} are not here but in {@link
   * #codexEnvironment()}. Reads the role file.
   *
   * @return the overrides, in file order; empty when the role has no file
   * @throws java.io.UncheckedIOException when the role file can no longer be read
   * @throws IllegalStateException when two MCP servers give one variable different values
   */
  public List<String> codexOverrides() {
    return configFile == null ? List.of() : CodexOverrides.of(configFile).overrides();
  }

  /**
   * Returns the variables the role file's MCP servers set in their {@code env} tables, one {@code
   * ORCHESTRA_MCP_<SERVER>_<HEADER>_<HASH>} per static {@code http_headers} value of a streamable
   * HTTP server, and for its model providers one {@code ORCHESTRA_PROVIDER_<ID>_<HEADER>_<HASH>} per
   * static header and one {@code ORCHESTRA_PROVIDER_<ID>_BEARER_TOKEN_<HASH>} for an {@code
   * experimental_bearer_token}, by name. They are not among {@link #codexOverrides()}, where they
   * would show on Codex's command line (to every user of the machine, in a process list): the
   * overrides name them in {@code env_vars}, {@code env_http_headers} or {@code env_key} instead, and
   * whoever starts Codex sets them in its environment. Reads the role file.
   *
   * @return the variables, in file order; empty when the role has no file or its servers set none
   * @throws java.io.UncheckedIOException when the role file can no longer be read
   * @throws IllegalStateException when two servers give one variable different values, a header is
   *     given both statically and from the environment, a value holds a NUL, or the role file gives
   *     {@code [otel]} exporter headers (which have no way off the command line)
   */
  public Map<String, String> codexEnvironment() {
    return configFile == null ? Map.of() : CodexOverrides.of(configFile).variables();
  }

  @Override
  public String toString() {
    return "AgentRole[" + name + ", configFile=" + configFile + ", " + settings + "]";
  }
}
