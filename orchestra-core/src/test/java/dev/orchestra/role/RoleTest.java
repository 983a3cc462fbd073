package dev.orchestra.role;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

final class RoleTest {
  @ParameterizedTest
  @CsvSource({
    "orchestrator, xhigh, read-only",
    "explorer, low, read-only",
    "implementer, medium, workspace-write",
    "ci_runner, low, workspace-write",
    "reviewer, xhigh, read-only",
    "qa_test_author, high, workspace-write",
    "security_reviewer, high, read-only",
    "release_manager, medium, read-only",
  })
  void catalogFollowsTheSpec(String name, String effort, String sandbox) {
    Role r = BuiltInRoles.get(name);
    assertEquals(effort, r.reasoningEffort().value());
    assertEquals(sandbox, r.sandboxMode().configValue());
    assertFalse(r.instructions().isBlank());
    assertFalse(r.description().isBlank());
    assertFalse(r.outputSections().isEmpty());
    assertTrue(r.model().isEmpty(), "built-in roles use the orchestrator's default model");
  }

  @Test
  void catalogHasEightRolesAndAMinimalTeam() {
    assertEquals(8, BuiltInRoles.all().size());
    assertEquals(List.of("orchestrator", "implementer", "ci_runner", "reviewer"), BuiltInRoles.minimalTeam().stream().map(Role::name).toList());
    assertEquals(List.of("Done", "Next", "Risks"), BuiltInRoles.get("orchestrator").outputSections());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BuiltInRoles.get("reviewr"));
    assertTrue(e.getMessage().startsWith("no built-in role 'reviewr'; known roles: orchestrator, explorer"), e.getMessage());
    assertEquals(Optional.empty(), BuiltInRoles.byName("nobody"));
  }

  @Test
  void rolesAreValuesWithBuilders() {
    Role reviewer = BuiltInRoles.get("reviewer");
    Role custom = reviewer.toBuilder().model("gpt-5.4").reasoningEffort(ReasoningEffort.of("ultra")).build();
    assertEquals(Optional.of("gpt-5.4"), custom.model());
    assertEquals("ultra", custom.reasoningEffort().value());
    assertNotEquals(reviewer, custom);
    assertEquals(reviewer, custom.toBuilder().defaultModel().reasoningEffort(ReasoningEffort.XHIGH).build());
    assertEquals(reviewer.hashCode(), custom.toBuilder().defaultModel().reasoningEffort(ReasoningEffort.XHIGH).build().hashCode());
    assertThrows(IllegalArgumentException.class, () -> Role.builder("has space"));
    assertThrows(IllegalArgumentException.class, () -> Role.builder("x").model(" "));
    assertTrue(custom.toString().contains("effort=ultra"));
  }

  @Test
  void reasoningEffortKeepsUnknownValues() {
    assertSame(ReasoningEffort.HIGH, ReasoningEffort.of("HIGH"));
    assertTrue(ReasoningEffort.of("high").isKnown());
    ReasoningEffort ultra = ReasoningEffort.of("ultra");
    assertFalse(ultra.isKnown());
    assertEquals("ultra", ultra.toString());
    assertThrows(IllegalArgumentException.class, () -> ReasoningEffort.of(" "));
    assertEquals(6, ReasoningEffort.known().size());
  }

  @Test
  void policiesAndSandboxesParseCodexValues() {
    assertEquals(Optional.of(ApprovalPolicy.ON_FAILURE), ApprovalPolicy.fromConfigValue("on-failure"));
    assertEquals(Optional.empty(), ApprovalPolicy.fromConfigValue("sometimes"));
    assertEquals("untrusted, on-request, on-failure, never", ApprovalPolicy.allowedValues());
    assertTrue(ApprovalPolicy.NEVER.isMorePermissiveThan(ApprovalPolicy.UNTRUSTED));
    assertEquals(Optional.of(SandboxMode.WORKSPACE_WRITE), SandboxMode.fromConfigValue("workspace-write"));
    assertTrue(SandboxMode.DANGER_FULL_ACCESS.isMorePermissiveThan(SandboxMode.READ_ONLY));
    assertFalse(SandboxMode.READ_ONLY.allowsWrites());
  }
}
