package dev.orchestra.toml;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads, checks and merges a Codex configuration the way Codex does: the user layer ({@code
 * $CODEX_HOME/config.toml}, by default {@code ~/.codex}), an optional profile file, and the project
 * layers ({@code .codex/config.toml} in each folder from the project root down to the working
 * directory), with the roles they declare or that are discovered under their {@code agents/}
 * folders.
 *
 * <pre>{@code
 * LoadedConfig config = CodexConfig.builder()
 *     .workingDirectory(Path.of("/work/repo"))
 *     .build()
 *     .load();
 * RoleMapping team = config.toRoles();      // core Roles + max_threads
 * }</pre>
 *
 * <p>{@link #load()} throws {@link CodexConfigException} with every error found; {@link #verify()}
 * returns every problem instead. Both never throw anything else for bad or unreadable files.
 *
 * <p>A role that cannot be loaded (its {@code config_file} missing, unparsable or holding a bad
 * value, its description missing, ...) is an error in every mode. Codex skips such a role with a
 * warning; Orchestra builds its team and its gates from the roles, so a role that quietly went
 * missing would quietly take its gate with it. A caller that got a {@link LoadedConfig} therefore
 * has every role the configuration declares.
 *
 * <p>Instances are immutable and thread-safe; each call reads the files anew.
 */
public final class CodexConfig {
  private final Path codexHome;
  private final Path homeDirectory;
  private final Map<String, String> environment;
  private final Path workingDirectory;
  private final boolean trustProject;
  private final boolean strict;
  private final String profile;
  private final Path projectFolder;

  private CodexConfig(Builder b) {
    this.codexHome = b.codexHome;
    this.homeDirectory = b.homeDirectory != null ? b.homeDirectory : Path.of(System.getProperty("user.home"));
    this.environment = b.environment != null ? Map.copyOf(b.environment) : Map.copyOf(System.getenv());
    this.workingDirectory = b.workingDirectory;
    this.trustProject = b.trustProject;
    this.strict = b.strict;
    this.profile = b.profile;
    this.projectFolder = b.projectFolder;
  }

  /** Returns a builder with Codex's defaults: the real environment and home, lenient checks. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a loader for one configuration folder (a {@code CODEX_HOME}, or a folder a {@link
   * StarterPack} was written to), ignoring the environment and any project: {@code
   * folder/config.toml} and {@code folder/agents/} only.
   *
   * <p>With no project there is no trust decision, so unless {@code config.toml} sets {@code
   * sandbox_mode} the run's sandbox is {@code read-only} and {@code load().toRoles()} maps every
   * role read-only. Pass the run's ceiling with {@link LoadedConfig#toRoles(dev.orchestra.role.SandboxMode,
   * dev.orchestra.role.ApprovalPolicy)} to keep the roles that write.
   *
   * @param folder the folder holding {@code config.toml}
   * @return a lenient loader
   */
  public static CodexConfig forFolder(Path folder) {
    return builder().codexHome(folder).environment(Map.of()).build();
  }

  /**
   * Loads the configuration.
   *
   * @return the merged configuration, with its warnings; every declared or discovered role is in it
   * @throws CodexConfigException when any error was found, a role that cannot be loaded included (in
   *     strict mode, also unknown keys and settings Orchestra ignores), carrying every diagnostic
   *     found, warnings included
   */
  public LoadedConfig load() {
    ConfigLoader loader = new ConfigLoader(this);
    LoadedConfig loaded = loader.load(true);
    List<Diagnostic> all = loader.diagnostics();
    if (all.stream().anyMatch(Diagnostic::isError)) {
      throw new CodexConfigException("cannot load the Codex configuration", all);
    }
    return loaded;
  }

  /**
   * Checks the configuration and returns every problem at once: TOML syntax, missing role files,
   * values outside their allowed sets, mistyped keys, and the rest. Never throws for problems in
   * the files.
   *
   * @return the diagnostics in the order found, errors and warnings; empty when all is well
   */
  public List<Diagnostic> verify() {
    ConfigLoader loader = new ConfigLoader(this);
    loader.load(false);
    return loader.diagnostics();
  }

  /**
   * Returns the Codex release whose reading of a configuration these checks follow, for example
   * {@code 0.169.0}: its feature flags, the keys it warns that it ignores, what makes it refuse a file.
   */
  public static String codexVersion() {
    return CodexFeatures.pinned().codexVersion();
  }

  Optional<Path> codexHome() {
    return Optional.ofNullable(codexHome);
  }

  Path homeDirectory() {
    return homeDirectory;
  }

  Map<String, String> environment() {
    return environment;
  }

  Optional<Path> workingDirectory() {
    return Optional.ofNullable(workingDirectory);
  }

  boolean trustProject() {
    return trustProject;
  }

  boolean strict() {
    return strict;
  }

  Optional<String> profile() {
    return Optional.ofNullable(profile);
  }

  Optional<Path> projectFolder() {
    return Optional.ofNullable(projectFolder);
  }

  /** Configures a {@link CodexConfig}. Not thread-safe; {@link #build()} makes an immutable copy. */
  public static final class Builder {
    private Path projectFolder;
    private Path codexHome;
    private Path homeDirectory;
    private Map<String, String> environment;
    private Path workingDirectory;
    private boolean trustProject;
    private boolean strict;
    private String profile;

    private Builder() {}

    /**
     * Sets the folder of the user layer, overriding {@code $CODEX_HOME} and {@code ~/.codex}.
     *
     * @param folder the folder that holds {@code config.toml} and {@code agents/}
     * @return this builder
     */
    public Builder codexHome(Path folder) {
      this.codexHome = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Sets the home folder, used for {@code ~} in paths and for the default {@code ~/.codex}.
     * Defaults to the {@code user.home} system property.
     *
     * @param folder the home folder
     * @return this builder
     */
    public Builder homeDirectory(Path folder) {
      this.homeDirectory = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Sets the environment variables to read ({@code CODEX_HOME}). Defaults to the process
     * environment; tests pass their own map.
     *
     * @param environment variable names to values
     * @return this builder
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /**
     * Sets the working directory whose project layers are read. Without it only the user layer
     * (and the profile) is read.
     *
     * @param folder the working directory
     * @return this builder
     */
    public Builder workingDirectory(Path folder) {
      this.workingDirectory = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Trusts the project layers for this load even when the user configuration does not mark the
     * project trusted. Defaults to false, as in Codex.
     *
     * @param trust whether to trust the project
     * @return this builder
     */
    public Builder trustProject(boolean trust) {
      this.trustProject = trust;
      return this;
    }

    /**
     * Makes unknown keys, and anything else Codex or Orchestra would ignore (a second definition of
     * a role, a setting Orchestra does not honour), an error instead of a warning. Defaults to
     * false: lenient, like Codex. A role that cannot be loaded is an error either way.
     *
     * @param strict whether to be strict
     * @return this builder
     */
    public Builder strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * Selects a profile: {@code $CODEX_HOME/<name>.config.toml} is layered over {@code
     * config.toml}, as Codex's {@code --profile <name>} does.
     *
     * @param name the profile name
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or contains a path separator
     */
    public Builder profile(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank() || name.contains("/") || name.contains("\\")) {
        throw new IllegalArgumentException("profile name must be a plain file name, got '" + name + "'");
      }
      this.profile = name;
      return this;
    }

    /**
     * Adds one configuration folder (a {@code .codex} folder holding {@code config.toml} and
     * perhaps {@code agents/}) on top of the user layer, as a project layer: trusted because the
     * caller named it, with the keys Codex strips from project layers stripped.
     *
     * @param folder the folder
     * @return this builder
     */
    public Builder projectFolder(Path folder) {
      this.projectFolder = folder.toAbsolutePath().normalize();
      return this;
    }

    /** Returns a loader with these settings. */
    public CodexConfig build() {
      return new CodexConfig(this);
    }
  }
}
