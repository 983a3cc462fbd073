package dev.orchestra.issues;

import dev.orchestra.model.ModelProvider;
import dev.orchestra.model.ModelProviderFactory;
import java.util.Map;

/**
 * Issue 12, checked by the compiler: code written against wave 1 (547aaac) that uses a signature
 * of orchestra-core that later changed still compiles, its imports changed only. Nothing here runs
 * (what the adapters do is tested next to the types); removing an adapter breaks the build. It
 * lives outside the API's packages so that it sees only what a user's program sees.
 */
@SuppressWarnings({"removal", "unused"})
final class Wave1CompatibilityTest {
  private Wave1CompatibilityTest() {}

  /** Wave 1's {@link ModelProviderFactory} had one create method, taking the settings as strings. */
  static final class Wave1Factory implements ModelProviderFactory {
    @Override
    public String name() {
      return "wave1";
    }

    @Override
    public ModelProvider create(Map<String, String> settings, Map<String, String> environment) {
      throw new UnsupportedOperationException("compiles only");
    }
  }
}
