package dev.orchestra.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.role.ShellEnvironmentPolicy.Inherit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class CommandEnvironmentTest {
  @TempDir Path tmp;

  private Set<String> seenBy(CommandEnvironment env) throws Exception {
    // env(1) itself, not a shell: it prints exactly the environment it was given.
    ProcessRunner.Outcome o = ProcessRunner.run(List.of("env"), tmp, env, Duration.ofSeconds(20), 64 * 1024);
    assertEquals(0, o.exitCode(), o.output());
    return Set.copyOf(o.output().strip().lines().toList());
  }

  @Test
  void aProcessSeesThePolicysChoiceAndWhatWasAddedAndNothingOfTheJvms() throws Exception {
    ShellEnvironmentPolicy policy = new ShellEnvironmentPolicy(Inherit.NONE, false, List.of(), Map.of("FROM_SET", "1"), List.of());
    CommandEnvironment env = CommandEnvironment.of(policy, Map.of("PARENT_ONLY", "x"));
    assertEquals(Set.of("FROM_SET=1"), seenBy(env));
    assertEquals(Set.of("FROM_SET=1", "ADDED=2"), seenBy(env.with(Map.of("ADDED", "2"))));
    assertFalse(System.getenv().isEmpty(), "the JVM has variables of its own, and none of them leaked");
  }

  @Test
  void variablesNoProcessCanHoldAreRefusedByName() {
    CommandEnvironment env = CommandEnvironment.chosen(Map.of());
    assertEquals(
        "environment variable 'A=B' is not a valid variable name: it contains '='",
        assertThrows(IllegalArgumentException.class, () -> env.with(Map.of("A=B", "1"))).getMessage());
    assertEquals(
        "environment variable 'X' has a value with a NUL character, which no process environment can hold",
        assertThrows(IllegalArgumentException.class, () -> CommandEnvironment.chosen(Map.of("X", "a\0b"))).getMessage());
    assertEquals(
        "environment variable has an empty name",
        assertThrows(IllegalArgumentException.class, () -> env.with(Map.of("", "1"))).getMessage());
    assertEquals(
        "environment variable 'A=B' is not a valid variable name: it contains '='",
        assertThrows(IllegalArgumentException.class, () -> CommandEnvironment.of(ShellEnvironmentPolicy.defaults(), Map.of("A=B", "1")))
            .getMessage(),
        "a parent environment given in code is checked too, before any process starts");
  }

  @Test
  void toStringNamesVariablesButNeverTheirValues() {
    assertEquals("CommandEnvironment[A, B]", CommandEnvironment.chosen(Map.of("B", "hunter2", "A", "1")).toString());
  }
}
