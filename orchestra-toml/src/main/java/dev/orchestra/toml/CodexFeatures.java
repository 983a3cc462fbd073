package dev.orchestra.toml;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The feature flags of the Codex release Orchestra's checks follow, kept as data ({@code
 * codex-features.tsv}, measured from the pinned Codex binary and checked against it by a test): each
 * key's stage and default, the sub-keys of the features that take a table, and the old names Codex
 * still maps to a feature. Immutable and thread-safe.
 */
final class CodexFeatures {
  /** A feature's stage, as {@code codex features list} prints it. */
  enum Stage {
    UNDER_DEVELOPMENT,
    EXPERIMENTAL,
    STABLE,
    DEPRECATED,
    REMOVED;

    /** The stage as Codex prints it, for example {@code under development}. */
    String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  /**
   * One feature flag.
   *
   * @param key its key under {@code [features]}
   * @param stage its stage
   * @param defaultOn whether it is on when not set
   * @param subKeys the keys its table takes, when it may be set with a table; empty otherwise
   * @param subKeysComplete false when Codex takes a key of its table that is not among {@code subKeys}
   */
  record Feature(String key, Stage stage, boolean defaultOn, Set<String> subKeys, boolean subKeysComplete) {
    boolean takesTable() {
      return !subKeys.isEmpty();
    }
  }

  private static final CodexFeatures PINNED = load("codex-features.tsv");

  private final String codexVersion;
  private final Map<String, Feature> features;
  private final Map<String, String> aliases;

  private CodexFeatures(String codexVersion, Map<String, Feature> features, Map<String, String> aliases) {
    this.codexVersion = codexVersion;
    this.features = Collections.unmodifiableMap(features);
    this.aliases = Collections.unmodifiableMap(aliases);
  }

  /** The features of the Codex release Orchestra's checks follow. */
  static CodexFeatures pinned() {
    return PINNED;
  }

  /** The Codex version these features were measured from, for example {@code 0.169.0}. */
  String codexVersion() {
    return codexVersion;
  }

  /** Every feature, by key, in Codex's order. */
  Map<String, Feature> all() {
    return features;
  }

  Optional<Feature> feature(String key) {
    return Optional.ofNullable(features.get(key));
  }

  /** The feature an old name stands for, when {@code key} is one. */
  Optional<String> aliasOf(String key) {
    return Optional.ofNullable(aliases.get(key));
  }

  static CodexFeatures load(String resource) {
    InputStream in = CodexFeatures.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("the resource " + resource + " is missing from orchestra-toml");
    }
    String version = "";
    Map<String, Feature> features = new LinkedHashMap<>();
    Map<String, String> aliases = new LinkedHashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        switch (f[0]) {
          case "codex" -> version = f[1];
          case "feature" -> {
            LinkedHashSet<String> sub = f[4].isEmpty() ? new LinkedHashSet<>() : new LinkedHashSet<>(Arrays.asList(f[4].split(",")));
            boolean complete = !sub.remove("*");
            features.put(
                f[1],
                new Feature(f[1], Stage.valueOf(f[2].toUpperCase(java.util.Locale.ROOT)), Boolean.parseBoolean(f[3]),
                    Collections.unmodifiableSet(sub), complete));
          }
          case "alias" -> aliases.put(f[1], f[2]);
          default -> throw new IllegalStateException(resource + ":" + n + ": unknown line kind '" + f[0] + "'");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + ": " + e.getMessage(), e);
    }
    return new CodexFeatures(version, features, aliases);
  }
}
