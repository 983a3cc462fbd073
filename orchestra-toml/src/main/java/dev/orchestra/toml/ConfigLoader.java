package dev.orchestra.toml;

import dev.orchestra.toml.SettingsReader.Scope;
import dev.orchestra.toml.Val.Origin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of loading or verifying: layers, trust, merge, roles. Not thread-safe; one per call. */
final class ConfigLoader {
  private static final Logger LOG = LoggerFactory.getLogger(CodexConfig.class);
  static final int DEFAULT_MAX_THREADS = 6;

  /** One configuration layer: a file, the folder its relative paths and agents/ hang off, its tree. */
  static final class Layer {
    final Path file;
    final Path dir;
    final Map<String, Val> tree;
    final boolean hasAgentsDir;

    Layer(Path file, Path dir, Map<String, Val> tree, boolean hasAgentsDir) {
      this.file = file;
      this.dir = dir;
      this.tree = tree;
      this.hasAgentsDir = hasAgentsDir;
    }
  }

  private final CodexConfig options;
  private final Reporter rep;
  private final PathResolver paths;
  private final SettingsReader reader;

  ConfigLoader(CodexConfig options) {
    this.options = options;
    this.rep = Reporter.create(options.strict());
    this.paths = new PathResolver(options.homeDirectory());
    this.reader = new SettingsReader(rep);
  }

  List<Diagnostic> diagnostics() {
    return rep.diagnostics();
  }

  LoadedConfig load(boolean logWarnings) {
    List<Layer> layers = new ArrayList<>();
    Path home = codexHome();
    Layer user = readLayer(home.resolve("config.toml"), home, true);
    layers.add(user);
    options.profile().ifPresent(name -> profileLayer(name, home, user).ifPresent(layers::add));
    ProjectTrust.Level trust = ProjectTrust.Level.UNDECIDED;
    if (options.workingDirectory().isPresent()) {
      trust = projectLayers(options.workingDirectory().get(), home, layers);
    }
    if (options.projectFolder().isPresent()) {
      // A folder named by the caller is trusted by naming it, and layers like a project layer.
      Path dotCodex = options.projectFolder().get();
      // Named and also found from the working directory: one folder, one layer, one set of reports.
      boolean alreadyLayered = layers.stream().anyMatch(l -> l.dir.normalize().equals(dotCodex.normalize()));
      if (!dotCodex.normalize().equals(home.normalize()) && !alreadyLayered) {
        Path file = dotCodex.resolve("config.toml");
        Layer layer = readLayer(file, dotCodex, false);
        Map<String, Val> stripped = stripDenied(layer.tree, file);
        reader.read(stripped, Scope.CONFIG, "");
        checkAgentsTable(stripped);
        layers.add(new Layer(file, dotCodex, stripped, layer.hasAgentsDir));
        trust = ProjectTrust.Level.TRUSTED;
      }
    }
    Map<String, Val> merged = new LinkedHashMap<>();
    for (Layer layer : layers) {
      merged = Val.merge(merged, layer.tree);
    }
    CodexSettings settings = new SettingsReader(Reporter.silent()).read(merged, Scope.CONFIG, "");
    reader.underDevelopment(merged);
    checkProviderReference(merged, settings);
    List<AgentRole> roles = new RoleAssembler(rep, paths, reader).roles(layers);
    Integer agentsCap = null;
    String agentsCapKey = "";
    Integer v2Cap = null;
    boolean v2 = false;
    int maxDepth = 1;
    Long jobMax = null;
    boolean multiAgent = true;
    for (Layer layer : layers) {
      Map<String, Val> agents = tableOrEmpty(layer.tree.get("agents"));
      for (String key : List.of("max_threads", "max_concurrent_threads_per_session")) {
        Val v = agents.get(key);
        if (v != null && v.isLong() && v.longValue() >= 1) {
          agentsCap = (int) Math.min(Integer.MAX_VALUE, v.longValue());
          agentsCapKey = "agents." + key;
        }
      }
      Val multiAgentV2 = tableOrEmpty(layer.tree.get("features")).get("multi_agent_v2");
      if (multiAgentV2 != null && multiAgentV2.isBoolean()) {
        v2 = multiAgentV2.bool();
      } else if (multiAgentV2 != null && multiAgentV2.isTable()) {
        Val enabled = multiAgentV2.table().get("enabled");
        if (enabled != null && enabled.isBoolean()) {
          v2 = enabled.bool();
        }
        Val cap = multiAgentV2.table().get("max_concurrent_threads_per_session");
        if (cap != null && cap.isLong() && cap.longValue() >= 1) {
          v2Cap = (int) Math.min(Integer.MAX_VALUE, cap.longValue());
        }
      }
      Val depth = agents.get("max_depth");
      if (depth != null && depth.isLong() && depth.longValue() >= 1) {
        maxDepth = (int) Math.min(Integer.MAX_VALUE, depth.longValue());
      }
      Val job = agents.get("job_max_runtime_seconds");
      if (job != null && job.isLong() && job.longValue() >= 1) {
        jobMax = job.longValue();
      }
      Map<String, Val> features = tableOrEmpty(layer.tree.get("features"));
      for (String key : List.of("collab", "multi_agent")) {
        Val v = features.get(key);
        if (v != null && v.isBoolean()) {
          multiAgent = v.bool();
        }
      }
    }
    ThreadCap cap = threadCap(v2, v2Cap, agentsCap, agentsCapKey);
    List<String> checks = List.of();
    Map<String, Val> orchestra = tableOrEmpty(merged.get(Keys.ORCHESTRA));
    if (orchestra.containsKey("checks")) {
      // Checked per layer already; re-read quietly from the merge, where the highest layer's array won.
      List<String> read = new SettingsReader(Reporter.silent()).checks(orchestra.get("checks"), "orchestra.checks");
      checks = read == null ? List.of() : read;
    }
    Map<String, Object> plain = new LinkedHashMap<>();
    merged.forEach((k, v) -> plain.put(k, v.plain()));
    List<Diagnostic> warnings = rep.diagnostics().stream().filter(d -> !d.isError()).collect(Collectors.toList());
    if (logWarnings && !rep.hasErrors()) {
      warnings.forEach(d -> LOG.warn("Codex configuration: {}", d));
    }
    List<Path> files = layers.stream().map(l -> l.file).filter(Files::isRegularFile).collect(Collectors.toList());
    return new LoadedConfig(
        settings, roles, cap, maxDepth, jobMax, multiAgent, checks, trust, files, warnings,
        Collections.unmodifiableMap(plain));
  }

  /** Codex's multi_agent_v2 cap when unset; it counts the main agent. */
  private static final int DEFAULT_V2_THREADS = 4;

  /** The cap Codex applies; see {@link ThreadCap}. A v2 cap of 1 leaves no agent besides the main one: Orchestra runs one. */
  static ThreadCap threadCap(boolean v2, Integer v2Cap, Integer agentsCap, String agentsCapKey) {
    if (!v2) {
      return agentsCap == null
          ? new ThreadCap(DEFAULT_MAX_THREADS, DEFAULT_MAX_THREADS, "default", false)
          : new ThreadCap(agentsCap, agentsCap, agentsCapKey, false);
    }
    if (v2Cap != null) {
      return new ThreadCap(Math.max(1, v2Cap - 1), v2Cap, "features.multi_agent_v2.max_concurrent_threads_per_session", true);
    }
    if (agentsCap != null) {
      return new ThreadCap(agentsCap, agentsCap, agentsCapKey, false);
    }
    return new ThreadCap(DEFAULT_V2_THREADS - 1, DEFAULT_V2_THREADS, "default", true);
  }

  // ------------------------------------------------------------------ layers

  private Path codexHome() {
    if (options.codexHome().isPresent()) {
      return options.codexHome().get();
    }
    String env = options.environment().get("CODEX_HOME");
    if (env != null && !env.isBlank()) {
      Path p;
      try {
        p = Path.of(env).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        p = options.homeDirectory().resolve(".codex");
        rep.problem(Origin.of(p), "", "CODEX_HOME='" + env + "' is not a valid path", "set CODEX_HOME to an existing folder, or unset it");
        return p;
      }
      if (!Files.isDirectory(p)) {
        rep.problem(Origin.of(p), "", "CODEX_HOME points to " + p + ", which is not an existing folder",
            "create the folder, or unset CODEX_HOME to use " + options.homeDirectory().resolve(".codex"));
        return p;
      }
      try {
        return p.toRealPath();
      } catch (IOException e) {
        return p;
      }
    }
    return options.homeDirectory().resolve(".codex");
  }

  /** Reads one config.toml; a missing file is an empty layer. Values are checked as a config layer. */
  private Layer readLayer(Path file, Path dir, boolean check) {
    Map<String, Val> tree = Map.of();
    if (Files.exists(file)) {
      tree = TomlReader.read(file, rep).map(t -> paths.resolveAll(t, dir)).orElse(Map.of());
      if (check) {
        reader.read(tree, Scope.CONFIG, "");
        checkAgentsTable(tree);
      }
    }
    return new Layer(file, dir, tree, Files.isDirectory(dir.resolve("agents")));
  }

  private Optional<Layer> profileLayer(String name, Path home, Layer user) {
    Path file = home.resolve(name + ".config.toml");
    Val legacy = user.tree.get("profiles");
    if (legacy != null && legacy.isTable() && legacy.table().containsKey(name)) {
      rep.problem(legacy.table().get(name).at(), "profiles." + name,
          "config.toml still defines [profiles." + name + "], which Codex refuses next to the profile file " + file.getFileName(),
          "move the settings of [profiles." + name + "] into " + file + " and delete the table");
    }
    if (!Files.isRegularFile(file)) {
      rep.problem(Origin.of(file), "", "profile '" + name + "' has no file: " + file + " does not exist",
          "create " + file.getFileName() + " next to config.toml, or do not select the profile");
      return Optional.empty();
    }
    Layer layer = readLayer(file, home, true);
    return Optional.of(new Layer(layer.file, layer.dir, layer.tree, false));
  }

  private ProjectTrust.Level projectLayers(Path cwd, Path home, List<Layer> layers) {
    Map<String, Val> base = new LinkedHashMap<>();
    for (Layer l : layers) {
      base = Val.merge(base, l.tree);
    }
    List<String> markers = List.of(".git");
    Val markerVal = base.get("project_root_markers");
    if (markerVal != null && markerVal.isArray() && markerVal.array().stream().allMatch(Val::isString)) {
      markers = new ArrayList<>();
      for (Val m : markerVal.array()) {
        try {
          Path.of(m.string());
          markers.add(m.string());
        } catch (InvalidPathException e) {
          // Codex never finds such a marker on disk; looking for it here would throw.
          rep.ignored(m.at(), "project_root_markers",
              "project_root_markers entry " + TomlLiterals.string(m.string()) + " is not a valid path (" + e.getReason()
                  + "); it is skipped",
              "remove the entry, or write the name of a file or folder that marks the project root, such as \".git\"");
        }
      }
    }
    Path root = ProjectTrust.projectRoot(cwd, markers);
    ProjectTrust.Level trust = options.trustProject() ? ProjectTrust.Level.TRUSTED : trustDecisions(layers.get(0).tree).of(cwd, root);
    List<Path> dirs = new ArrayList<>();
    for (Path d = cwd; d != null; d = d.getParent()) {
      dirs.add(0, d);
      if (d.equals(root)) {
        break;
      }
    }
    for (Path d : dirs) {
      Path dotCodex = d.resolve(".codex");
      if (!Files.isDirectory(dotCodex) || dotCodex.normalize().equals(home.normalize())) {
        continue;
      }
      Path file = dotCodex.resolve("config.toml");
      if (trust != ProjectTrust.Level.TRUSTED) {
        String why = trust == ProjectTrust.Level.UNTRUSTED ? "is marked untrusted" : "is not marked trusted";
        rep.warning(Origin.of(Files.exists(file) ? file : dotCodex), "",
            "project configuration " + dotCodex + " is ignored: the project " + root + " " + why,
            "add [projects.\"" + root + "\"] trust_level = \"trusted\" to " + home.resolve("config.toml")
                + ", or trust it for this load with CodexConfig.Builder.trustProject(true)");
        continue;
      }
      Layer layer = readLayer(file, dotCodex, false);
      Map<String, Val> stripped = stripDenied(layer.tree, file);
      reader.read(stripped, Scope.CONFIG, "");
      checkAgentsTable(stripped);
      layers.add(new Layer(file, dotCodex, stripped, layer.hasAgentsDir));
    }
    return trust;
  }

  /**
   * The user's trust decisions: {@code [projects."<path>"] trust_level} of the user layer, as
   * written; entries that are not tables with a string {@code trust_level} decide nothing.
   */
  private static ProjectTrust trustDecisions(Map<String, Val> userTree) {
    Map<String, String> levels = new LinkedHashMap<>();
    for (Map.Entry<String, Val> e : tableOrEmpty(userTree.get("projects")).entrySet()) {
      Val level = e.getValue().isTable() ? e.getValue().table().get("trust_level") : null;
      if (level != null && level.isString()) {
        levels.put(e.getKey(), level.string());
      }
    }
    return ProjectTrust.of(levels);
  }

  private Map<String, Val> stripDenied(Map<String, Val> tree, Path file) {
    Map<String, Val> out = new LinkedHashMap<>(tree);
    for (List<String> denied : Keys.PROJECT_DENYLIST) {
      Map<String, Val> parent = out;
      Map<String, Val> parentCopy = out;
      String key = String.join(".", denied);
      if (denied.size() == 2) {
        Val t = out.get(denied.get(0));
        if (t == null || !t.isTable()) {
          continue;
        }
        parent = t.table();
        parentCopy = new LinkedHashMap<>(parent);
      }
      Val v = parent.get(denied.get(denied.size() - 1));
      if (v == null) {
        continue;
      }
      parentCopy.remove(denied.get(denied.size() - 1));
      if (denied.size() == 2) {
        out.put(denied.get(0), out.get(denied.get(0)).withRaw(parentCopy));
      }
      rep.warning(v.at(), key, key + " is not allowed in a project configuration; Codex ignores it there",
          "move " + key + " to the user configuration (" + "$CODEX_HOME/config.toml), or remove it from " + file);
    }
    return out;
  }

  /** Checks the scalar keys of [agents] and that every other key is a role table. */
  private void checkAgentsTable(Map<String, Val> tree) {
    Val agentsVal = tree.get("agents");
    if (agentsVal == null) {
      return;
    }
    Map<String, Val> agents = reader.table(agentsVal, "agents");
    if (agents == null) {
      return;
    }
    if (agents.containsKey("max_threads") && agents.containsKey("max_concurrent_threads_per_session")) {
      Val v = agents.get("max_concurrent_threads_per_session");
      rep.problem(v.at(), "agents.max_concurrent_threads_per_session",
          "agents sets both max_threads and its alias max_concurrent_threads_per_session; Codex then ignores every [agents] role"
              + " definition (a duplicate field)",
          "keep only one of the two keys");
    }
    Set<String> settings = Schema.AGENTS.keys();
    for (Map.Entry<String, Val> e : agents.entrySet()) {
      Schema.AGENTS.read(reader, e.getKey(), e.getValue(), "agents." + e.getKey(), reader, Scope.CONFIG, (key, v, path) -> {
        if (!v.isTable()) {
          rep.problem(v.at(), path,
              path + " = " + v.typeName().replaceFirst("^an? ", "") + " is not an [agents] setting;"
                  + " every key in [agents] other than " + String.join(", ", SettingsReader.sorted(settings))
                  + " must be a role table",
              Keys.closest(key, settings).map(c -> "did you mean agents." + c + "?")
                  .orElse("to declare a role write [agents." + key + "] with description and config_file"));
        }
      });
    }
  }

  private void checkProviderReference(Map<String, Val> merged, CodexSettings settings) {
    Val v = merged.get("model_provider");
    if (v == null || !v.isString()) {
      return;
    }
    String id = v.string();
    if (Keys.BUILT_IN_PROVIDERS.contains(id) || settings.providerConfigs().containsKey(id)) {
      return;
    }
    Map<String, Val> declared = tableOrEmpty(merged.get("model_providers"));
    if (declared.containsKey(id)) {
      return; // declared but invalid: reported where it is declared
    }
    Set<String> known = new java.util.TreeSet<>(Keys.BUILT_IN_PROVIDERS);
    known.addAll(declared.keySet());
    rep.problem(v.at(), "model_provider", "model_provider = \"" + id + "\" names no provider",
        "define [model_providers." + id + "] with a name, or use one of: " + String.join(", ", known));
  }

  // ------------------------------------------------------------------- roles

  static Map<String, Val> tableOrEmpty(Val v) {
    return v != null && v.isTable() ? v.table() : Map.of();
  }
}
