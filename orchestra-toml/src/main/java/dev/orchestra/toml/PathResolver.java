package dev.orchestra.toml;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves path-typed values the way Codex does, before layers are merged: {@code ~} expands to
 * the home folder, a relative path joins the folder of the file that declares it, and the result
 * is normalised lexically (no symlinks followed, no existence check).
 */
final class PathResolver {
  private final Path home;

  PathResolver(Path home) {
    this.home = home;
  }

  /** Resolves one value against a base folder; a value that is not a valid path is kept as is. */
  Path resolve(String value, Path baseDir) {
    Path p;
    if (value.equals("~")) {
      p = home;
    } else if (value.startsWith("~/")) {
      p = home.resolve(value.substring(2));
    } else {
      p = Path.of(value);
      if (!p.isAbsolute()) {
        p = baseDir.resolve(p);
      }
    }
    return p.normalize();
  }

  /**
   * Returns a copy of a file's top-level table with its path values resolved against {@code
   * baseDir}: the {@link Keys#PATH_KEYS}, {@code sandbox_workspace_write.writable_roots}, every
   * {@code agents.<role>.config_file} and the path keys of legacy profiles.
   */
  Map<String, Val> resolveAll(Map<String, Val> top, Path baseDir) {
    Map<String, Val> out = resolveTopLevel(top, baseDir);
    Val sww = out.get("sandbox_workspace_write");
    if (sww != null && sww.isTable()) {
      Map<String, Val> t = new LinkedHashMap<>(sww.table());
      Val roots = t.get("writable_roots");
      if (roots != null && roots.isArray()) {
        List<Val> resolved = new ArrayList<>();
        for (Val root : roots.array()) {
          resolved.add(resolveVal(root, baseDir));
        }
        t.put("writable_roots", roots.withRaw(resolved));
        out.put("sandbox_workspace_write", sww.withRaw(t));
      }
    }
    Val agents = out.get("agents");
    if (agents != null && agents.isTable()) {
      Map<String, Val> a = new LinkedHashMap<>(agents.table());
      a.replaceAll(
          (name, role) -> {
            if (role.isTable() && role.table().containsKey("config_file")) {
              Map<String, Val> r = new LinkedHashMap<>(role.table());
              r.put("config_file", resolveVal(r.get("config_file"), baseDir));
              return role.withRaw(r);
            }
            return role;
          });
      out.put("agents", agents.withRaw(a));
    }
    Val profiles = out.get("profiles");
    if (profiles != null && profiles.isTable()) {
      Map<String, Val> p = new LinkedHashMap<>(profiles.table());
      p.replaceAll((name, profile) -> profile.isTable() ? profile.withRaw(resolveTopLevel(profile.table(), baseDir)) : profile);
      out.put("profiles", profiles.withRaw(p));
    }
    return out;
  }

  private Map<String, Val> resolveTopLevel(Map<String, Val> table, Path baseDir) {
    Map<String, Val> out = new LinkedHashMap<>(table);
    for (String key : Keys.PATH_KEYS) {
      Val v = out.get(key);
      if (v != null) {
        out.put(key, resolveVal(v, baseDir));
      }
    }
    return out;
  }

  private Val resolveVal(Val v, Path baseDir) {
    if (!v.isString() || v.string().isBlank()) {
      return v; // reported as a type or blank-value problem by whoever reads it
    }
    try {
      return v.withRaw(resolve(v.string(), baseDir).toString());
    } catch (InvalidPathException e) {
      return v;
    }
  }
}
