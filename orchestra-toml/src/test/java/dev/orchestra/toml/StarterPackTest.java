package dev.orchestra.toml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.ReasoningEffort;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.toml.StarterPack.Tier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The starter pack: complete, valid, tiered, and careful with existing files. */
final class StarterPackTest {
  @TempDir Path dir;

  private static final Map<String, ReasoningEffort> SPEC_EFFORTS = Map.of(
      "orchestrator", ReasoningEffort.XHIGH, "explorer", ReasoningEffort.LOW, "implementer", ReasoningEffort.MEDIUM,
      "ci_runner", ReasoningEffort.LOW, "reviewer", ReasoningEffort.XHIGH, "qa_test_author", ReasoningEffort.HIGH,
      "security_reviewer", ReasoningEffort.HIGH, "release_manager", ReasoningEffort.MEDIUM);

  @ParameterizedTest
  @EnumSource(Tier.class)
  void writesACompleteConfigurationThatVerifiesCleanlyEvenWhenStrict(Tier tier) {
    List<Path> written = StarterPack.builder(tier).build().writeTo(dir);
    assertEquals(9, written.size());
    assertEquals(dir.resolve("config.toml"), written.get(written.size() - 1), "config.toml is written last");
    assertTrue(CodexConfig.builder().codexHome(dir).environment(Map.of()).strict(true).build().verify().isEmpty());
    LoadedConfig config = CodexConfig.forFolder(dir).load();
    assertEquals(StarterPack.MAX_THREADS, config.maxThreads());
    assertTrue(config.multiAgent());
    assertEquals(null, config.table().get("features"), "no [features]: multi_agent is deprecated in Codex 0.169, and on by default");
    RoleMapping mapping = config.toRoles(SandboxMode.DANGER_FULL_ACCESS, ApprovalPolicy.NEVER);
    assertEquals(BuiltInRoles.all().stream().map(Role::name).toList(), mapping.roles().stream().map(Role::name).toList());
    for (Role role : mapping.roles()) {
      Role catalog = BuiltInRoles.get(role.name());
      boolean fast = tier == Tier.PRO && (role.name().equals("explorer") || role.name().equals("ci_runner"));
      assertEquals(Optional.of(fast ? "gpt-5.3-codex-spark" : "gpt-5.4"), role.model(), role.name());
      assertEquals(SPEC_EFFORTS.get(role.name()), role.reasoningEffort(), role.name());
      assertEquals(catalog.sandboxMode(), role.sandboxMode(), role.name());
      assertEquals(catalog.approvalPolicy(), role.approvalPolicy(), role.name());
      assertEquals(catalog.description(), role.description());
      assertEquals(StarterPack.instructions(catalog), role.instructions());
      assertTrue(role.instructions().contains("Answer with these sections"), role.instructions());
      assertEquals(catalog.outputSections(), role.outputSections());
      assertTrue(Files.isRegularFile(dir.resolve("agents/" + role.name() + ".toml")));
    }
  }

  @Test
  void forFolderWithoutACeilingMapsEveryRoleReadOnly() {
    StarterPack.builder(Tier.PLUS).build().writeTo(dir);
    RoleMapping mapping = CodexConfig.forFolder(dir).load().toRoles();
    assertTrue(mapping.roles().stream().anyMatch(r -> BuiltInRoles.get(r.name()).sandboxMode() != SandboxMode.READ_ONLY),
        "the pack has roles that write");
    for (Role role : mapping.roles()) {
      assertEquals(SandboxMode.READ_ONLY, role.sandboxMode(), role.name() + ": no trust decision, so read-only is the ceiling");
    }
  }

  @Test
  void securityReviewerIsOptional() {
    StarterPack pack = StarterPack.builder(Tier.PLUS).securityReviewer(false).build();
    pack.writeTo(dir);
    assertTrue(Files.notExists(dir.resolve("agents/security_reviewer.toml")));
    assertTrue(CodexConfig.forFolder(dir).load().role("security_reviewer").isEmpty());
    assertEquals(7, pack.roleNames().size());
  }

  @Test
  void refusesToOverwriteUnlessAskedAndThenWritesNothing() {
    Fixtures.write(dir.resolve("agents/reviewer.toml"), "# mine\n");
    CodexConfigException e = assertThrows(CodexConfigException.class, () -> StarterPack.builder(Tier.PRO).build().writeTo(dir));
    assertEquals(dir.resolve("agents/reviewer.toml"), e.diagnostics().get(0).file());
    assertTrue(e.diagnostics().get(0).fixHint().contains("overwrite(true)"));
    assertTrue(Files.notExists(dir.resolve("config.toml")), "nothing was written");
    assertEquals("# mine\n", Fixtures.read(dir.resolve("agents/reviewer.toml")));
    StarterPack.builder(Tier.PRO).overwrite(true).build().writeTo(dir);
    assertTrue(Fixtures.read(dir.resolve("agents/reviewer.toml")).contains("model = \"gpt-5.4\""));
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws Exception {
    StarterPack.builder(Tier.PRO).build().writeTo(dir);
    try (Stream<Path> files = Files.walk(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
  }

  @Test
  void filesCanBePreviewedWithoutWriting() {
    Map<String, String> files = StarterPack.builder(Tier.PRO).build().files();
    assertEquals("config.toml", files.keySet().iterator().next());
    assertTrue(files.get("config.toml").contains("[agents]\n# Agents that may run at once."));
    assertTrue(files.get("config.toml").contains("max_threads = 12\n"));
    assertTrue(files.get("agents/explorer.toml").contains("model = \"gpt-5.3-codex-spark\"\nmodel_reasoning_effort = \"low\"\n"));
    assertTrue(Files.notExists(dir.resolve("config.toml")));
  }

  @Test
  void tierNames() {
    assertEquals(Tier.PRO, Tier.fromName(" Pro "));
    assertEquals("plus", Tier.PLUS.configValue());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tier.fromName("team"));
    assertTrue(e.getMessage().contains("pro, plus"));
  }
}
