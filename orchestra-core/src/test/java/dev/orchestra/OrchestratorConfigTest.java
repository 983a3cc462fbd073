package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class OrchestratorConfigTest {
  @TempDir Path ws;

  @Test
  void toStringNeverShowsTheEnvironmentsValues() {
    Orchestrator.Builder b =
        Orchestrator.builder().workspace(ws).modelProvider(new ScriptedModelProvider()).parentEnvironment(Map.of("OPENAI_API_KEY", "sk-secret-123"));
    String text = OrchestratorConfig.of(b).toString();
    assertFalse(text.contains("sk-secret-123"), text);
    assertTrue(text.contains("environment variables=1"), text);
  }
}
