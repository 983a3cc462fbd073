package dev.orchestra.toml;

import dev.orchestra.model.ProviderConfig;
import dev.orchestra.model.WireApi;
import dev.orchestra.toml.SettingsReader.Scope;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads {@code [model_providers.<id>]} tables into core's {@link ProviderConfig}: the ids Codex
 * reserves, the keys of {@link Schema#PROVIDER}, and what the builder refuses, each reported at its
 * value. Not thread-safe; one per load.
 */
final class ProviderReader {
  private final SettingsReader reader;
  private final Reporter r;

  ProviderReader(SettingsReader reader, Reporter reporter) {
    this.reader = reader;
    this.r = reporter;
  }

  Map<String, ProviderConfig> providers(Val v, String path) {
    Map<String, Val> t = reader.table(v, path);
    if (t == null) {
      return Map.of();
    }
    Map<String, ProviderConfig> out = new LinkedHashMap<>();
    for (Map.Entry<String, Val> e : t.entrySet()) {
      ProviderConfig provider = provider(e.getKey(), e.getValue(), path + "." + e.getKey());
      if (provider != null) {
        out.put(e.getKey(), provider);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Reads one provider table into core's {@link ProviderConfig}. Types are checked here; what a
   * value means (defaults, the cap of retries, which URLs and headers can be sent) is the builder's,
   * whose refusals are reported with the value's file, line and key.
   */
  private ProviderConfig provider(String id, Val v, String path) {
    Map<String, Val> t = reader.table(v, path);
    if (t == null) {
      return null;
    }
    int before = r.problems();
    if (id.equals("amazon-bedrock")) {
      for (Map.Entry<String, Val> e : t.entrySet()) {
        if (!Keys.BEDROCK_KEYS.contains(e.getKey())) {
          r.problem(e.getValue().at(), path + "." + e.getKey(), "the built-in provider amazon-bedrock may set only base_url, auth, http_headers and aws, not " + e.getKey(), "remove " + e.getKey() + " from [" + path + "]");
        }
      }
      return null;
    }
    if (Keys.BUILT_IN_PROVIDERS.contains(id)) {
      r.problem(v.at(), path, "[" + path + "] redefines the built-in provider '" + id + "'; built-in provider ids are reserved",
          "give your provider another id, e.g. [model_providers." + id + "-custom], and set model_provider to it"
              + (id.equals("openai") ? "; to point the built-in one elsewhere set openai_base_url" : ""));
      return null;
    }
    if (id.equals("ollama-chat")) {
      r.problem(v.at(), path, "the 'ollama-chat' provider is no longer supported by Codex", "use the built-in 'ollama' provider, which speaks the Responses API");
      return null;
    }
    if (id.isBlank()) {
      r.problem(v.at(), path, "[" + path + "] has a blank provider id", "name the table after the provider, e.g. [model_providers.corp]");
      return null;
    }
    ProviderConfig.Builder b = ProviderConfig.builder(id);
    Schema.PROVIDER.read(reader, t, path + ".", new Schema.ProviderDraft(this, b, t, path), Scope.CONFIG, reader.unknownIn(Schema.PROVIDER.keys()));
    if (!t.containsKey("name")) {
      r.problem(v.at(), path + ".name", "[" + path + "] has no name; a provider needs one", "add name = \"" + id + "\" to [" + path + "]");
    }
    if (r.problems() > before) {
      return null;
    }
    return b.build();
  }

  /** Sets the wire API; {@code chat} is Orchestra's (Chat Completions) but no longer Codex's, which is said. */
  void wireApi(ProviderConfig.Builder b, Val v, String key, String wire) {
    b.wireApi(WireApi.fromConfigValue(wire).orElseThrow());
    if (wire.equals("chat")) {
      // Orchestra speaks Chat Completions (vLLM, Ollama and other OpenAI-compatible servers),
      // so this is no error, strict or not; but Codex reading the same file will stop on it.
      r.warning(v.at(), key,
          "wire_api = \"chat\": Orchestra uses Chat Completions for this provider, but Codex itself refuses the value"
              + " (since it dropped Chat Completions), so Codex cannot load this file",
          "nothing to change for Orchestra; only if Codex must read this file too, point the provider at a server that"
              + " speaks the Responses API and write wire_api = \"responses\"");
    }
  }

  /** A provider's {@code auth} command excludes the other ways to authenticate. */
  void providerAuth(Map<String, Val> provider, Val v, String key) {
    Val openaiAuth = provider.get("requires_openai_auth");
    if (provider.containsKey("env_key") || provider.containsKey("experimental_bearer_token")
        || (openaiAuth != null && Boolean.TRUE.equals(openaiAuth.raw()))) {
      r.problem(v.at(), key, "auth cannot be combined with env_key, experimental_bearer_token or requires_openai_auth", "keep either the auth command or the other key");
    }
  }

  void awsOutsideBedrock(Val v, String key, String tablePath) {
    r.problem(v.at(), key, "aws is allowed only for the built-in amazon-bedrock provider", "remove aws from [" + tablePath + "]");
  }

  void baseUrl(ProviderConfig.Builder b, Val v, String key, String url) {
    String hint = "write the API root the request path is appended to, e.g. base_url = \"https://llm.example.com/v1\"; query parameters go in query_params";
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      r.problem(v.at(), key, key + " is not a URL: " + e.getReason(), hint);
      return;
    }
    built(v, key, key.substring(0, key.lastIndexOf('.')), hint, () -> b.baseUrl(uri));
  }

  /**
   * Reads {@code http_headers} or {@code env_http_headers}: a header the builder refuses (one that
   * cannot be sent) is left out with a warning, an error in strict mode, as Codex drops it.
   */
  void headers(Val v, String key, java.util.function.BiConsumer<String, String> add) {
    for (Map.Entry<String, String> h : reader.stringMap(v, key).entrySet()) {
      Val at = v.table().get(h.getKey());
      try {
        add.accept(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        r.ignored(at.at(), key + "." + h.getKey(), key.substring(0, key.lastIndexOf('.') + 1) + e.getMessage() + "; the header is ignored",
            "remove the header, or fix its name or value");
      }
    }
  }

  /**
   * Runs a builder call that may refuse the value; a refusal is a problem at the value, its message
   * (which starts with the Codex key) prefixed with the table's path.
   */
  void built(Val v, String key, String tablePath, String hint, Runnable call) {
    try {
      call.run();
    } catch (IllegalArgumentException e) {
      r.problem(v.at(), key, tablePath + "." + e.getMessage(), hint);
    }
  }
}
