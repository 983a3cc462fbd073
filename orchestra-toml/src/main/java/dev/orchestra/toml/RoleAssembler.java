package dev.orchestra.toml;

import dev.orchestra.toml.SettingsReader.Scope;
import dev.orchestra.toml.Val.Origin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds a configuration's roles from its layers: the {@code [agents.<name>]} tables and the role
 * files under each layer's {@code agents/} folder, a higher layer's role replacing a lower one's,
 * each role file read and reported once. Not thread-safe; one per load.
 */
final class RoleAssembler {
  private static final Pattern NICKNAME = Pattern.compile("[A-Za-z0-9 _-]+");

  private final Reporter rep;
  private final PathResolver paths;
  private final SettingsReader reader;

  /** A role while layers are folded; frozen into an {@link AgentRole} at the end. */
  private static final class Draft {
    String name;
    String description;
    Path configFile;
    List<String> nicknames;
    CodexSettings settings = CodexSettings.empty();
    Origin at;
  }

  /** What a role file says about its role. */
  private static final class RoleFile {
    /** The file's top-level keys; empty when it could not be parsed. */
    Set<String> keys = Set.of();
    /** Whether the file could not be read or holds a value that makes its role unusable. */
    boolean broken;
    String name;
    String description;
    List<String> nicknames;
    CodexSettings settings;
  }

  /**
   * Role files read so far in this load. A file that two roles name, or that one layer declares and
   * another discovers, is read and reported once: its problems are the file's, not the roles'.
   */
  private final Map<Path, RoleFile> readRoleFiles = new HashMap<>();


  List<AgentRole> roles(List<ConfigLoader.Layer> layers) {
    Map<String, Draft> all = new LinkedHashMap<>();
    for (ConfigLoader.Layer layer : layers) {
      Map<String, Draft> mine = new LinkedHashMap<>();
      Set<Path> usedFiles = new HashSet<>();
      for (Map.Entry<String, Val> e : ConfigLoader.tableOrEmpty(layer.tree.get("agents")).entrySet()) {
        if (Schema.AGENTS.keys().contains(e.getKey()) || !e.getValue().isTable()) {
          continue;
        }
        Draft d = declared(e.getKey(), e.getValue(), layer, usedFiles);
        if (d != null) {
          addOnce(mine, d);
        }
      }
      if (layer.hasAgentsDir) {
        for (Path file : roleFiles(layer.dir.resolve("agents"))) {
          if (!usedFiles.contains(file)) {
            Draft d = discovered(file);
            if (d != null) {
              addOnce(mine, d);
            }
          }
        }
      }
      for (Draft d : mine.values()) {
        Draft lower = all.get(d.name);
        if (lower != null) {
          if (d.description == null) {
            d.description = lower.description;
          }
          if (d.configFile == null) {
            d.configFile = lower.configFile;
            d.settings = lower.settings;
          }
          if (d.nicknames == null) {
            d.nicknames = lower.nicknames;
          }
        }
        all.put(d.name, d);
      }
    }
    List<AgentRole> out = new ArrayList<>();
    for (Draft d : all.values()) {
      if (d.description == null) {
        rep.problem(d.at, "agents." + d.name, "role '" + d.name + "' has no description, so it cannot be loaded (Codex drops it)",
            "add description = \"...\" to [agents." + d.name + "] or to its role file");
        continue;
      }
      out.add(new AgentRole(d.name, d.description, d.configFile, d.nicknames == null ? List.of() : d.nicknames,
          d.settings, d.at.file()));
    }
    return out;
  }

  private void addOnce(Map<String, Draft> layerRoles, Draft d) {
    if (layerRoles.containsKey(d.name)) {
      rep.ignored(d.at, "agents." + d.name, "role '" + d.name + "' is defined twice in the same layer; the second definition is ignored",
          "rename or remove one of them (the first was in " + layerRoles.get(d.name).at.file() + ")");
      return;
    }
    layerRoles.put(d.name, d);
  }

  private Draft declared(String key, Val roleVal, ConfigLoader.Layer layer, Set<Path> usedFiles) {
    Reporter rr = rep.forRole(key);
    String path = "agents." + key;
    Map<String, Val> t = roleVal.table();
    Draft d = new Draft();
    d.name = key;
    d.at = roleVal.at();
    for (Map.Entry<String, Val> e : t.entrySet()) {
      if (e.getKey().equals("mcp_servers") || e.getKey().equals("skills")) {
        new SettingsReader(rr).roleLevelNotSupported(e.getValue(), path + "." + e.getKey());
      } else if (!Schema.ROLE_TABLE.keys().contains(e.getKey())) {
        // Codex passes over it without a word, even with --strict-config: Orchestra's own advice.
        boolean configKey = Schema.TOP.keys(Scope.CONFIG).contains(e.getKey());
        rr.silentlyIgnored(e.getValue().at(), path + "." + e.getKey(),
            "unknown key '" + e.getKey() + "' in [" + path + "]; Codex ignores it" + (configKey ? " there" : "") + " without a warning",
            configKey ? "move " + e.getKey() + " into the role's config_file; [" + path + "] takes only description, config_file and nickname_candidates"
                : Keys.didYouMean(e.getKey(), Schema.ROLE_TABLE.keys(), "[" + path + "] takes only description, config_file and nickname_candidates"));
      }
    }
    Val desc = t.get("description");
    if (desc != null) {
      d.description = description(desc, path + ".description", rr);
    }
    Val nick = t.get("nickname_candidates");
    if (nick != null) {
      d.nicknames = nicknames(nick, path + ".nickname_candidates", rr);
    }
    boolean unusableFile = false;
    Val cf = t.get("config_file");
    if (cf != null) {
      String s = new SettingsReader(rr).nonBlank(cf, path + ".config_file");
      Path file = null;
      if (s != null) {
        try {
          file = Path.of(s);
        } catch (InvalidPathException ex) {
          rr.problem(cf.at(), path + ".config_file", "config_file \"" + s + "\" is not a valid path: " + ex.getReason(),
              "write the path of the role file, relative to " + layer.dir);
        }
      }
      if (file != null) {
        usedFiles.add(file);
        if (checkRoleFileExists(file, cf, path, layer, rr, usedFiles)) {
          d.configFile = file;
          RoleFile rf = readRoleFile(file, rr, false);
          if (rf != null) {
            d.name = rf.name != null ? rf.name : d.name;
            d.description = rf.description != null ? rf.description : d.description;
            d.nicknames = rf.nicknames != null ? rf.nicknames : d.nicknames;
            d.settings = rf.settings;
          } else {
            unusableFile = true; // reported when the file was first read, perhaps for another role
          }
        }
      }
    }
    return rr.problems() > 0 || unusableFile ? null : d;
  }

  /** Returns the file next to a missing one whose name is a likely typo of it, if there is one. */
  private static Optional<Path> nearbyFile(Path missing) {
    Path dir = missing.getParent();
    if (dir == null || missing.getFileName() == null || !Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> list = Files.list(dir)) {
      List<String> names = list.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(Collectors.toList());
      return Keys.closest(missing.getFileName().toString(), names).map(dir::resolve);
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  private boolean checkRoleFileExists(Path file, Val cf, String path, ConfigLoader.Layer layer, Reporter rr, Set<Path> usedFiles) {
    if (Files.isRegularFile(file)) {
      return true;
    }
    if (Files.exists(file)) {
      rr.problem(cf.at(), path + ".config_file", "config_file must point to a file: " + file + " is not a regular file",
          "point config_file at a .toml role file");
      return false;
    }
    String hint = "create " + file + ", or fix config_file; a relative path is resolved against " + layer.dir;
    Optional<Path> near = nearbyFile(file);
    if (near.isPresent()) {
      // The file meant is most likely this one; it is not also reported as a role of its own.
      usedFiles.add(near.get());
      String written = near.get().startsWith(layer.dir) ? layer.dir.relativize(near.get()).toString().replace('\\', '/') : near.get().toString();
      hint = "did you mean config_file = \"" + written + "\"? (" + near.get() + " exists)";
    }
    Path dotCodex = layer.dir.resolve(".codex");
    if (layer.dir.getFileName() != null && layer.dir.getFileName().toString().equals(".codex") && file.startsWith(dotCodex)) {
      Path corrected = layer.dir.resolve(dotCodex.relativize(file));
      String relative = layer.dir.relativize(corrected).toString().replace('\\', '/');
      hint = "config_file is relative to " + layer.dir + ", so '.codex/' is repeated; write config_file = \""
          + relative + "\" (" + corrected + (Files.isRegularFile(corrected) ? ", which exists)" : ")");
    }
    rr.problem(cf.at(), path + ".config_file", "config_file points to " + file + ", which does not exist", hint);
    return false;
  }

  private Draft discovered(Path file) {
    String stem = file.getFileName().toString().replaceFirst("\\.toml$", "");
    Reporter rr = rep.forRole(stem);
    RoleFile rf = readRoleFile(file, rr, true);
    if (rf == null) {
      return null;
    }
    Draft d = new Draft();
    d.name = rf.name;
    d.description = rf.description;
    d.nicknames = rf.nicknames;
    d.configFile = file;
    d.settings = rf.settings;
    d.at = Origin.of(file);
    return d;
  }

  /**
   * Returns what a role file says, or null (with the reasons reported) when its role cannot be loaded.
   * The file is parsed and checked the first time only; a discovered file must also name itself,
   * describe itself and carry instructions.
   */
  private RoleFile readRoleFile(Path file, Reporter rr, boolean discovered) {
    RoleFile rf = readRoleFiles.get(file);
    if (rf == null) {
      rf = parseRoleFile(file, rr);
      readRoleFiles.put(file, rf);
    }
    if (rf.settings == null) {
      return null; // not parsed
    }
    int before = rr.problems();
    if (discovered) {
      String stem = file.getFileName().toString().replaceFirst("\\.toml$", "");
      for (String required : List.of("name", "description", "developer_instructions")) {
        if (!rf.keys.contains(required)) {
          rr.problem(new Origin(file, 1, 1), required,
              "role file discovered under agents/ has no " + required + "; Codex needs name, description and developer_instructions in such a file",
              "add " + required + " = \"...\" to the file, or declare it in [agents." + stem + "] with config_file");
        }
      }
    }
    return rf.broken || rr.problems() > before ? null : rf;
  }

  private RoleFile parseRoleFile(Path file, Reporter rr) {
    RoleFile rf = new RoleFile();
    int before = rr.problems();
    Optional<Map<String, Val>> parsed = TomlReader.read(file, rr);
    if (parsed.isEmpty()) {
      rf.broken = true;
      return rf;
    }
    Map<String, Val> tree = paths.resolveAll(parsed.get(), file.getParent());
    rf.keys = Set.copyOf(tree.keySet());
    SettingsReader sr = new SettingsReader(rr);
    Val name = tree.get("name");
    if (name != null) {
      rf.name = sr.nonBlank(name, "name");
      if (rf.name != null) {
        rf.name = rf.name.strip();
      }
    }
    Val desc = tree.get("description");
    if (desc != null) {
      rf.description = description(desc, "description", rr);
    }
    Val nick = tree.get("nickname_candidates");
    if (nick != null) {
      rf.nicknames = nicknames(nick, "nickname_candidates", rr);
    }
    rf.settings = sr.read(tree, Scope.ROLE_FILE, "");
    rf.broken = rr.problems() > before;
    return rf;
  }

  private static String description(Val v, String path, Reporter rr) {
    String s = new SettingsReader(rr).string(v, path);
    if (s == null) {
      return null;
    }
    if (s.isBlank()) {
      rr.problem(v.at(), path, "the description is blank", "write one line saying what the role does; Codex shows it to the model that spawns agents");
      return null;
    }
    return s.strip();
  }

  private static List<String> nicknames(Val v, String path, Reporter rr) {
    List<String> raw = new SettingsReader(rr).strings(v, path);
    if (raw == null) {
      return null;
    }
    if (raw.isEmpty()) {
      rr.problem(v.at(), path, "nickname_candidates is empty", "list at least one nickname, or remove the key");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (String n : raw) {
      String s = n.strip();
      if (s.isEmpty()) {
        rr.problem(v.at(), path, "nickname_candidates contains a blank name", "remove the blank entry");
        return null;
      }
      if (!NICKNAME.matcher(s).matches()) {
        rr.problem(v.at(), path, "nickname \"" + s + "\" may contain only ASCII letters, digits, spaces, '-' and '_'",
            "write it as \"" + s.replaceAll("[^A-Za-z0-9 _-]", "") + "\" or choose another nickname");
        return null;
      }
      if (out.contains(s)) {
        rr.problem(v.at(), path, "nickname \"" + s + "\" is listed twice", "keep each nickname once");
        return null;
      }
      out.add(s);
    }
    return out;
  }

  private List<Path> roleFiles(Path agentsDir) {
    try (Stream<Path> walk = Files.walk(agentsDir)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".toml") && Files.isRegularFile(p))
          .map(p -> p.toAbsolutePath().normalize())
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException | UncheckedIOException e) {
      rep.problem(Origin.of(agentsDir), "", "cannot list role files in " + agentsDir + ": " + e.getMessage()
              + "; the roles there cannot be loaded",
          "check the folder's permissions");
      return List.of();
    }
  }

  RoleAssembler(Reporter rep, PathResolver paths, SettingsReader reader) {
    this.rep = rep;
    this.paths = paths;
    this.reader = reader;
  }
}
