package dev.orchestra.toml;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The lists Orchestra's rules are made of, other than the keys of each table (those are in
 * {@link Schema}), and the search for a mistyped key.
 */
final class Keys {
  private Keys() {}

  /**
   * Orchestra's own top-level table in {@code config.toml}. Codex ignores unknown top-level keys, so
   * it lives safely in Codex's file; it is not in {@link Schema#TOP} because a role file may not
   * set it (Codex 0.115+ rejects a role file for an unknown top-level key).
   */
  static final String ORCHESTRA = "orchestra";

  /** Keys Codex (0.129 and later) strips from project layers, as dotted paths. */
  static final List<List<String>> PROJECT_DENYLIST =
      List.of(
          List.of("openai_base_url"), List.of("chatgpt_base_url"), List.of("apps_mcp_product_sku"),
          List.of("model_provider"), List.of("model_providers"), List.of("notify"),
          List.of("profile"), List.of("profiles"),
          List.of("experimental_realtime_webrtc_call_base_url"),
          List.of("experimental_realtime_ws_base_url"), List.of("otel"),
          List.of("features", "respect_system_proxy"));

  /** Provider ids built into Codex, which a configuration may not redefine. */
  static final Set<String> BUILT_IN_PROVIDERS = Set.of("openai", "ollama", "lmstudio", "amazon-bedrock");

  /** The only keys a configuration may set for the built-in {@code amazon-bedrock} provider. */
  static final Set<String> BEDROCK_KEYS = Set.of("base_url", "auth", "http_headers", "aws");

  /** Top-level keys whose string values are paths, resolved against the declaring file's folder. */
  static final Set<String> PATH_KEYS =
      Set.of(
          "model_instructions_file", "experimental_compact_prompt_file", "log_dir", "sqlite_home",
          "model_catalog_json", "js_repl_node_path", "zsh_path");

  /** The reasoning efforts the OpenAI API accepts, the only ones Orchestra sends to a provider. */
  static final List<String> PROVIDER_EFFORTS = List.of("none", "minimal", "low", "medium", "high", "xhigh");

  /** Efforts Codex 0.138+ names that no provider Orchestra calls accepts. */
  static final Set<String> CODEX_ONLY_EFFORTS = Set.of("max", "ultra");

  /**
   * Returns the candidate closest to a mistyped key, when it is close enough to be a likely typo.
   */
  static Optional<String> closest(String key, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(key, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    int limit = Math.max(1, Math.min(3, key.length() / 3));
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /** Returns a hint suggesting the closest known key, or the fallback text. */
  static String didYouMean(String key, Collection<String> candidates, String fallback) {
    return closest(key, candidates).map(c -> "did you mean '" + c + "'?").orElse(fallback);
  }

  /** Edit distance where swapping two neighbouring letters counts as one edit (a common typo). */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
