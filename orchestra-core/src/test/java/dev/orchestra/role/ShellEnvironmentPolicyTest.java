package dev.orchestra.role;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orchestra.role.ShellEnvironmentPolicy.Inherit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class ShellEnvironmentPolicyTest {
  private static final Map<String, String> PARENT =
      Map.of("PATH", "/bin", "HOME", "/h", "OPENAI_API_KEY", "sk-x", "GITHUB_TOKEN", "t", "db_secret", "s", "LANG", "C", "MY_VAR", "v");

  @Test
  void defaultsDropKeysSecretsAndTokens() {
    assertEquals(Map.of("PATH", "/bin", "HOME", "/h", "LANG", "C", "MY_VAR", "v"), ShellEnvironmentPolicy.defaults().apply(PARENT));
  }

  @Test
  void appliesInheritExcludeSetAndIncludeOnlyInOrder() {
    assertEquals(Map.of("PATH", "/bin", "HOME", "/h"), new ShellEnvironmentPolicy(Inherit.CORE, false, List.of(), Map.of(), List.of()).apply(PARENT));
    assertEquals(Map.of("X", "1"), new ShellEnvironmentPolicy(Inherit.NONE, false, List.of(), Map.of("X", "1"), List.of()).apply(PARENT));
    assertEquals(
        Map.of("PATH", "/bin", "GITHUB_TOKEN", "t", "OPENAI_API_KEY", "sk-x"),
        new ShellEnvironmentPolicy(Inherit.ALL, true, List.of("db_*", "h?me"), Map.of(), List.of("path", "*_TOKEN", "*KEY")).apply(PARENT));
  }

  @Test
  void setRefusesVariablesNoProcessEnvironmentCanHold() {
    assertEquals(
        "shell_environment_policy.set 'A=B' is not a valid variable name: it contains '='",
        assertThrows(IllegalArgumentException.class, () -> new ShellEnvironmentPolicy(Inherit.ALL, false, List.of(), Map.of("A=B", "1"), List.of()))
            .getMessage());
    assertEquals(
        "shell_environment_policy.set 'X' has a value with a NUL character, which no process environment can hold",
        assertThrows(IllegalArgumentException.class, () -> new ShellEnvironmentPolicy(Inherit.ALL, false, List.of(), Map.of("X", "\0"), List.of()))
            .getMessage());
  }

  @Test
  void toStringHidesSetValues() {
    assertFalse(new ShellEnvironmentPolicy(Inherit.ALL, false, List.of(), Map.of("API", "hunter2"), List.of()).toString().contains("hunter2"));
  }
}
