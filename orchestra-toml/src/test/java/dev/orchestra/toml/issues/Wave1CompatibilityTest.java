package dev.orchestra.toml.issues;

import dev.orchestra.toml.CodexSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Issue 12, checked by the compiler: code written against wave 1 (547aaac) that uses a signature
 * of orchestra-toml that later changed still compiles, its imports changed only. Nothing here runs
 * (CodexSettingsTest runs the adapter); removing it breaks the build. It lives outside the
 * module's package so that it sees only what a user's program sees.
 */
@SuppressWarnings({"removal", "unused"})
final class Wave1CompatibilityTest {
  private Wave1CompatibilityTest() {}

  /** Wave 1's {@code CodexSettings.modelProviders()} and every accessor of its values. */
  static void modelProviders(CodexSettings settings) {
    Map<String, CodexSettings.ModelProvider> providers = settings.modelProviders();
    for (CodexSettings.ModelProvider p : providers.values()) {
      String id = p.id();
      String name = p.name();
      Optional<String> baseUrl = p.baseUrl();
      Optional<String> envKey = p.envKey();
      String wireApi = p.wireApi();
      Map<String, String> queryParams = p.queryParams();
      Map<String, String> httpHeaders = p.httpHeaders();
      Map<String, String> envHttpHeaders = p.envHttpHeaders();
      int requestMaxRetries = p.requestMaxRetries();
      int streamMaxRetries = p.streamMaxRetries();
      Duration streamIdleTimeout = p.streamIdleTimeout();
    }
  }
}
