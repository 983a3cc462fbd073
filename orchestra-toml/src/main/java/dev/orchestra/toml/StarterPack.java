package dev.orchestra.toml;

import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.toml.Diagnostic.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a complete Codex configuration for Orchestra's team in one call: {@code config.toml} with
 * {@code [agents] max_threads = 12} and one {@code [agents.<role>]} table per
 * role, plus {@code agents/<role>.toml} with each role's model, reasoning effort, sandbox, approval
 * policy and instructions.
 *
 * <pre>{@code
 * List<Path> written = StarterPack.builder(StarterPack.Tier.PRO).build().writeTo(home);
 * LoadedConfig config = CodexConfig.forFolder(home).load();
 * }</pre>
 *
 * <p>Immutable and thread-safe. Each file is written atomically (temporary file, then an atomic
 * rename); role files are written before {@code config.toml}, so an interrupted write never leaves
 * a {@code config.toml} pointing at missing files. Codex (the release {@code verify} names) loads the
 * pack without a single startup warning.
 */
public final class StarterPack {
  /** The model for roles that decide, create or review. */
  public static final String MODEL = "gpt-5.4";
  /** The fast, cheap model the pro tier gives the explorer and the CI runner. */
  public static final String FAST_MODEL = "gpt-5.3-codex-spark";
  /** The thread budget the starter pack writes (Codex's own default is 6). */
  public static final int MAX_THREADS = 12;

  /** A subscription tier, which decides the models. */
  public enum Tier {
    /** {@value StarterPack#FAST_MODEL} for explorer and ci_runner, {@value StarterPack#MODEL} for the rest. */
    PRO,
    /** {@value StarterPack#MODEL} for every role. */
    PLUS;

    /** Returns the tier's name as users write it: {@code pro} or {@code plus}. */
    public String configValue() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the tier for a name.
     *
     * @param name {@code pro} or {@code plus}, in any case
     * @return the tier
     * @throws IllegalArgumentException naming the tiers when the name is neither
     */
    public static Tier fromName(String name) {
      for (Tier t : values()) {
        if (t.configValue().equalsIgnoreCase(name.strip())) {
          return t;
        }
      }
      throw new IllegalArgumentException("unknown tier '" + name + "'; tiers: pro, plus");
    }
  }

  private final Tier tier;
  private final boolean securityReviewer;
  private final boolean overwrite;

  private StarterPack(Builder b) {
    this.tier = b.tier;
    this.securityReviewer = b.securityReviewer;
    this.overwrite = b.overwrite;
  }

  /**
   * Returns a builder for a tier: security reviewer included, existing files not overwritten.
   *
   * @param tier the tier
   * @return a new builder
   */
  public static Builder builder(Tier tier) {
    return new Builder(tier);
  }

  /** Returns the tier. */
  public Tier tier() {
    return tier;
  }

  /** Returns the names of the roles the pack writes, in order. */
  public List<String> roleNames() {
    List<String> names = new ArrayList<>();
    for (Role r : BuiltInRoles.all()) {
      if (securityReviewer || !r.name().equals(BuiltInRoles.SECURITY_REVIEWER)) {
        names.add(r.name());
      }
    }
    return names;
  }

  /**
   * Returns the model the pack gives a role in this tier.
   *
   * @param role a role name
   * @return the model name
   */
  public String modelFor(String role) {
    boolean fast = role.equals(BuiltInRoles.EXPLORER) || role.equals(BuiltInRoles.CI_RUNNER);
    return tier == Tier.PRO && fast ? FAST_MODEL : MODEL;
  }

  /**
   * Returns the files the pack consists of, without writing them: relative path ({@code
   * config.toml}, {@code agents/<role>.toml}) to content, {@code config.toml} first.
   */
  public Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("config.toml", configToml());
    for (String name : roleNames()) {
      files.put("agents/" + name + ".toml", roleToml(BuiltInRoles.get(name)));
    }
    return files;
  }

  /**
   * Writes the pack into a folder, creating it when needed.
   *
   * @param folder the folder: a {@code CODEX_HOME} or a project's {@code .codex}
   * @return the files written, role files first and {@code config.toml} last
   * @throws CodexConfigException when a file already exists and overwriting was not asked for (then
   *     nothing is written), or when a file cannot be written
   */
  public List<Path> writeTo(Path folder) {
    Path dir = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
    Map<String, String> files = files();
    if (!overwrite) {
      List<Diagnostic> existing = new ArrayList<>();
      for (String relative : files.keySet()) {
        Path target = dir.resolve(relative);
        if (Files.exists(target)) {
          existing.add(new Diagnostic(Severity.ERROR, target, 0, 0, "", "the file already exists; the starter pack does not overwrite it",
              "choose an empty folder, or ask for overwrite(true) to replace the pack's files"));
        }
      }
      if (!existing.isEmpty()) {
        throw new CodexConfigException("refusing to write the starter pack into " + dir, existing);
      }
    }
    List<Path> written = new ArrayList<>();
    List<String> order = new ArrayList<>(files.keySet());
    order.remove("config.toml");
    order.add("config.toml");
    for (String relative : order) {
      Path target = dir.resolve(relative);
      AtomicWrite.write(target, files.get(relative));
      written.add(target);
    }
    return written;
  }

  private String configToml() {
    StringBuilder b = new StringBuilder();
    b.append("# Codex configuration for an Orchestra team, written by Orchestra's starter pack (tier ")
        .append(tier.configValue()).append(").\n")
        .append("# Codex and Orchestra both read it. Each role's model, effort and instructions live in agents/.\n\n")
        .append("[agents]\n")
        .append("# Agents that may run at once. Codex's default is 6; Orchestra starts at 12 and steps\n")
        .append("# down to 10, then 8, while the provider reports rate limits.\n")
        .append("max_threads = ").append(MAX_THREADS).append('\n');
    for (String name : roleNames()) {
      Role role = BuiltInRoles.get(name);
      b.append('\n')
          .append("[agents.").append(TomlLiterals.key(name)).append("]\n")
          .append("description = ").append(TomlLiterals.string(role.description())).append('\n')
          .append("config_file = ").append(TomlLiterals.string("agents/" + name + ".toml")).append('\n');
    }
    return b.toString();
  }

  private String roleToml(Role role) {
    return "# Role " + role.name() + ", from Orchestra's starter pack (tier " + tier.configValue() + ").\n"
        + "# Codex ignores sandbox_mode and approval_policy in a role file; Orchestra honours them, but\n"
        + "# never lets a role go beyond the sandbox and approval policy of the run itself.\n"
        + "model = " + TomlLiterals.string(modelFor(role.name())) + "\n"
        + "model_reasoning_effort = " + TomlLiterals.string(role.reasoningEffort().value()) + "\n"
        + "sandbox_mode = " + TomlLiterals.string(role.sandboxMode().configValue()) + "\n"
        + (role.approvalPolicy() == ApprovalPolicy.NEVER
            ? "# approval_policy: not set, so the run's own applies (this role has nothing to ask about)\n"
            : "approval_policy = " + TomlLiterals.string(role.approvalPolicy().configValue()) + "\n")
        + "developer_instructions = " + TomlLiterals.text(instructions(role)) + "\n";
  }

  /** The role's instructions: its job in our words, then the sections its answer must have. */
  static String instructions(Role role) {
    StringBuilder b = new StringBuilder(role.instructions()).append("\n\nAnswer with these sections, in this order:\n");
    for (String section : role.outputSections()) {
      b.append("- ").append(section).append('\n');
    }
    return b.toString();
  }

  /** Configures a {@link StarterPack}. Not thread-safe. */
  public static final class Builder {
    private final Tier tier;
    private boolean securityReviewer = true;
    private boolean overwrite;

    private Builder(Tier tier) {
      this.tier = Objects.requireNonNull(tier, "tier");
    }

    /**
     * Sets whether the optional security_reviewer role is written. Defaults to true.
     *
     * @param include whether to include it
     * @return this builder
     */
    public Builder securityReviewer(boolean include) {
      this.securityReviewer = include;
      return this;
    }

    /**
     * Sets whether existing files may be replaced. Defaults to false: writing into a folder that
     * already holds any of the pack's files fails and writes nothing.
     *
     * @param overwrite whether to replace existing files
     * @return this builder
     */
    public Builder overwrite(boolean overwrite) {
      this.overwrite = overwrite;
      return this;
    }

    /** Returns the starter pack. */
    public StarterPack build() {
      return new StarterPack(this);
    }
  }
}
