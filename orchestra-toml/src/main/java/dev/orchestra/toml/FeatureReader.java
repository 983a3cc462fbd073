package dev.orchestra.toml;

import java.util.Map;

/**
 * Checks {@code [features]} against the flags of the pinned Codex release ({@link CodexFeatures}):
 * unknown, deprecated, removed and under-development flags, and the tables some flags take. Not
 * thread-safe; one per load.
 */
final class FeatureReader {
  private final SettingsReader reader;
  private final Reporter r;

  FeatureReader(SettingsReader reader, Reporter reporter) {
    this.reader = reader;
    this.r = reporter;
  }

  /**
   * Checks {@code [features]} against the pinned Codex release's flags: what Codex ignores, what it
   * calls deprecated, and what makes it refuse the file (a wrong value, a table where the flag
   * takes none, an unknown key in a flag's table). What it says of flags under development depends
   * on every layer: see {@link #underDevelopment}.
   */
  Val features(Val v, String path) {
    Map<String, Val> t = reader.table(v, path);
    if (t == null) {
      return null;
    }
    CodexFeatures known = CodexFeatures.pinned();
    for (Map.Entry<String, Val> e : t.entrySet()) {
      Val x = e.getValue();
      String name = e.getKey();
      String k = path + "." + name;
      java.util.Optional<String> alias = known.aliasOf(name);
      java.util.Optional<CodexFeatures.Feature> feature = known.feature(alias.orElse(name));
      if (feature.isEmpty()) {
        r.ignored(x.at(), k, "`" + k + "` is ignored: Codex " + known.codexVersion() + " has no such feature",
            Keys.didYouMean(name, known.all().keySet(), "remove it, or check its spelling against `codex features list`"));
        continue;
      }
      CodexFeatures.Feature f = feature.get();
      Boolean on;
      if (x.isTable()) {
        if (!f.takesTable()) {
          r.problem(x.at(), k, k + " takes true or false, not a table; Codex refuses the file", "write " + name + " = true or false");
          continue;
        }
        on = featureTable(x, k, f);
        if (on == null) {
          continue;
        }
      } else if (x.isBoolean()) {
        on = (Boolean) x.raw();
      } else {
        r.problem(x.at(), k, k + " must be true or false, got " + x.typeName(), "write " + name + " = true or false, without quotes");
        continue;
      }
      if (alias.isPresent()) {
        r.warning(x.at(), k, k + " is deprecated: it is the old name of features." + alias.get(), "rename it to " + alias.get());
      } else if (f.stage() == CodexFeatures.Stage.DEPRECATED) {
        r.warning(x.at(), k, k + " is deprecated", deprecatedFeatureHint(name));
      } else if (f.stage() == CodexFeatures.Stage.REMOVED) {
        r.note(x.at(), k, k + " was removed from Codex; setting it has no effect", "remove it");
      }
      if (f.key().equals("multi_agent") && Boolean.FALSE.equals(on)) {
        reader.multiAgentOff(x, k, alias.isPresent() ? " (the old name of features.multi_agent)" : "");
      }
    }
    return v;
  }

  /**
   * Reports the flags still under development that the merged configuration turns on, as Codex
   * warns when a session starts, unless the merged {@code suppress_unstable_features_warning} is
   * true: one warning, at the first such flag in Codex's (alphabetical) order.
   *
   * @param merged the configuration with every layer merged
   */
  void underDevelopment(Map<String, Val> merged) {
    Val suppress = merged.get("suppress_unstable_features_warning");
    Val f = merged.get("features");
    if (suppress != null && Boolean.TRUE.equals(suppress.raw()) || f == null || !f.isTable()) {
      return;
    }
    java.util.TreeMap<String, Val> on = new java.util.TreeMap<>();
    for (Map.Entry<String, Val> e : f.table().entrySet()) {
      java.util.Optional<CodexFeatures.Feature> feature = CodexFeatures.pinned().feature(e.getKey());
      Val x = e.getValue();
      Val en = x.isTable() ? x.table().get("enabled") : null;
      boolean enabled = x.isBoolean() ? Boolean.TRUE.equals(x.raw()) : en != null && Boolean.TRUE.equals(en.raw());
      if (feature.isPresent() && feature.get().stage() == CodexFeatures.Stage.UNDER_DEVELOPMENT && enabled) {
        on.put(e.getKey(), x.isTable() ? en : x); // where it is turned on, not where its table was last touched
      }
    }
    if (!on.isEmpty()) {
      Map.Entry<String, Val> first = on.firstEntry();
      r.warning(first.getValue().at(), "features." + first.getKey(),
          "features still under development are enabled (" + String.join(", ", on.keySet()) + "); Codex warns when it starts that they"
              + " are incomplete and may misbehave",
          "turn them off, or set suppress_unstable_features_warning = true at the top level");
    }
  }

  /**
   * Checks a flag written as a table ({@code [features.multi_agent_v2]}): Codex refuses the whole
   * file for a key the flag's table does not take, or an {@code enabled} that is not true or false.
   *
   * @return whether the table turns the flag on, false when it does not say, or null when it is wrong
   */
  private Boolean featureTable(Val x, String k, CodexFeatures.Feature f) {
    Map<String, Val> sub = reader.table(x, k);
    boolean ok = true;
    for (Map.Entry<String, Val> s : sub.entrySet()) {
      if (!f.subKeys().contains(s.getKey())) {
        String hint = Keys.didYouMean(s.getKey(), f.subKeys(), "keys " + k + " takes: " + String.join(", ", f.subKeys()));
        if (f.subKeysComplete()) {
          r.problem(s.getValue().at(), k + "." + s.getKey(), "unknown key '" + s.getKey() + "' in " + k + "; Codex refuses the file for it", hint);
          ok = false;
        } else {
          // Codex takes one more key here than Orchestra knows by name: this may be it.
          r.warning(s.getValue().at(), k + "." + s.getKey(),
              "unknown key '" + s.getKey() + "' in " + k + "; unless it is the one key of this table Orchestra does not know by name,"
                  + " Codex refuses the file for it", hint);
        }
      }
    }
    Val enabled = sub.get("enabled");
    if (enabled != null && !enabled.isBoolean()) {
      r.problem(enabled.at(), k + ".enabled", k + ".enabled must be true or false, got " + enabled.typeName(), "write enabled = true or false");
      ok = false;
    }
    if (!ok) {
      return null;
    }
    return enabled != null && Boolean.TRUE.equals(enabled.raw());
  }

  private static String deprecatedFeatureHint(String name) {
    return switch (name) {
      case "multi_agent" -> "remove it: [agents] enabled = false turns sub-agents off, and [features.multi_agent_v2] chooses the newer ones";
      case "web_search_request", "web_search_cached" -> "remove it: web search is on by default; set the top-level web_search to \"live\","
          + " \"cached\", \"indexed\" or \"disabled\" to choose";
      default -> "remove it";
    };
  }
}
