package dev.orchestra.toml;

import static dev.orchestra.toml.Fixtures.codexHome;
import static dev.orchestra.toml.Fixtures.isolated;
import static dev.orchestra.toml.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.ReasoningEffort;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.role.ShellEnvironmentPolicy;
import dev.orchestra.role.ShellEnvironmentPolicy.Inherit;
import dev.orchestra.model.ProviderConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mapping a loaded configuration to core roles, the thread budget and the run ceiling. */
final class LoadedConfigTest {
  @TempDir Path root;

  private LoadedConfig load(String config, String roleFile) {
    write(codexHome(root).resolve("config.toml"), config);
    if (roleFile != null) {
      write(codexHome(root).resolve("agents/r.toml"), roleFile);
    }
    return isolated(root).build().load();
  }

  @Test
  void theSelectedProviderIsTheNamedTableOrCodexsBuiltIn() {
    assertEquals(Optional.of(ProviderConfig.builder("openai").name("OpenAI").build()), load("model = \"m\"\n", null).modelProvider(),
        "no model_provider: OpenAI, its URL and key left to the provider");
    ProviderConfig corp =
        load("model_provider = \"corp\"\n[model_providers.corp]\nname = \"Corp\"\nbase_url = \"http://localhost:8000/v1\"\n", null)
            .modelProvider().orElseThrow();
    assertEquals(ProviderConfig.builder("corp").name("Corp").baseUrl(URI.create("http://localhost:8000/v1")).build(), corp);
    ProviderConfig ollama = load("model_provider = \"ollama\"\n", null).modelProvider().orElseThrow();
    assertEquals(Optional.of(URI.create("http://localhost:11434/v1")), ollama.baseUrl());
    assertEquals(Optional.empty(), ollama.envKey(), "a local server gets no key");
    assertEquals(Optional.of(URI.create("http://localhost:1234/v1")), load("model_provider = \"lmstudio\"\n", null).modelProvider().orElseThrow().baseUrl());
    assertEquals(Optional.empty(), load("model_provider = \"amazon-bedrock\"\n", null).modelProvider(), "not callable by Orchestra");
  }

  @Test
  void roleFileAppliesOverTheBaseConfiguration() {
    LoadedConfig config = load("model = \"base-model\"\nmodel_reasoning_effort = \"low\"\n[agents]\nmax_threads = 10\n"
        + "[agents.r]\ndescription = \"Custom.\"\nconfig_file = \"agents/r.toml\"\n"
        + "[agents.plain]\ndescription = \"Plain.\"\n",
        "model_reasoning_effort = \"xhigh\"\ndeveloper_instructions = \"Do r.\"\nsandbox_mode = \"workspace-write\"\n");
    RoleMapping mapping = config.toRoles(SandboxMode.DANGER_FULL_ACCESS, ApprovalPolicy.NEVER);
    assertEquals(10, mapping.maxThreads());
    Role r = mapping.role("r").orElseThrow();
    assertEquals(Optional.of("base-model"), r.model(), "inherited from the base configuration");
    assertEquals(ReasoningEffort.XHIGH, r.reasoningEffort(), "the role file's effort wins over the base one");
    assertEquals("Do r.", r.instructions());
    assertEquals("Custom.", r.description());
    assertEquals(SandboxMode.WORKSPACE_WRITE, r.sandboxMode());
    assertEquals(List.of(BuiltInRoles.TOOL_READ_FILE, BuiltInRoles.TOOL_LIST_DIR, BuiltInRoles.TOOL_WRITE_FILE), r.tools());
    Role plain = mapping.role("plain").orElseThrow();
    assertEquals(ReasoningEffort.LOW, plain.reasoningEffort(), "base effort");
    assertEquals(SandboxMode.DANGER_FULL_ACCESS, plain.sandboxMode(), "no preference: the ceiling (the parent's own)");
    assertTrue(mapping.notes().isEmpty(), mapping.notes().toString());
  }

  @Test
  void builtInRoleNamesFillEffortInstructionsToolsAndSections() {
    LoadedConfig config = load("[agents.reviewer]\ndescription = \"Our reviewer.\"\n[agents.explorer]\ndescription = \"E.\"\n", null);
    Role reviewer = config.toRoles(SandboxMode.DANGER_FULL_ACCESS, ApprovalPolicy.NEVER).role("reviewer").orElseThrow();
    Role catalog = BuiltInRoles.get("reviewer");
    assertEquals("Our reviewer.", reviewer.description());
    assertEquals(catalog.reasoningEffort(), reviewer.reasoningEffort());
    assertEquals(catalog.instructions(), reviewer.instructions());
    assertEquals(catalog.outputSections(), reviewer.outputSections());
    assertEquals(catalog.tools(), reviewer.tools());
    assertEquals(SandboxMode.READ_ONLY, reviewer.sandboxMode(), "the catalog's safe default");
    assertTrue(reviewer.model().isEmpty(), "no model anywhere: the orchestrator's default");
  }

  @Test
  void noRoleIsMorePermissiveThanTheCeiling() {
    LoadedConfig config = load("[agents.r]\ndescription = \"R.\"\nconfig_file = \"agents/r.toml\"\n",
        "sandbox_mode = \"danger-full-access\"\napproval_policy = \"never\"\n");
    RoleMapping mapping = config.toRoles(SandboxMode.WORKSPACE_WRITE, ApprovalPolicy.ON_REQUEST);
    Role r = mapping.role("r").orElseThrow();
    assertEquals(SandboxMode.WORKSPACE_WRITE, r.sandboxMode());
    assertEquals(ApprovalPolicy.ON_REQUEST, r.approvalPolicy());
    assertEquals(List.of("sandbox_mode", "approval_policy"), mapping.notes().stream().map(Diagnostic::keyPath).toList());
    assertEquals(codexHome(root).resolve("agents/r.toml"), mapping.notes().get(0).file());
    // A stricter role is kept as it is.
    Role strict = load("[agents.r]\ndescription = \"R.\"\nconfig_file = \"agents/r.toml\"\n",
        "sandbox_mode = \"read-only\"\napproval_policy = \"untrusted\"\n").toRoles().role("r").orElseThrow();
    assertEquals(SandboxMode.READ_ONLY, strict.sandboxMode());
    assertEquals(ApprovalPolicy.UNTRUSTED, strict.approvalPolicy());
  }

  @Test
  void defaultCeilingIsTheRunsOwnPolicy() {
    LoadedConfig config = load("sandbox_mode = \"workspace-write\"\napproval_policy = \"untrusted\"\n"
        + "[agents.r]\ndescription = \"R.\"\nconfig_file = \"agents/r.toml\"\n", "sandbox_mode = \"danger-full-access\"\n");
    assertEquals(SandboxMode.WORKSPACE_WRITE, config.sandboxMode());
    Role r = config.toRoles().role("r").orElseThrow();
    assertEquals(SandboxMode.WORKSPACE_WRITE, r.sandboxMode());
    assertEquals(ApprovalPolicy.UNTRUSTED, r.approvalPolicy());
  }

  @Test
  void granularApprovalMapsToOnRequestAndKeepsItsDetails() {
    LoadedConfig config = load("approval_policy = { granular = { sandbox_approval = true, rules = false } }\n", null);
    assertEquals(ApprovalPolicy.ON_REQUEST, config.approvalPolicy());
    assertEquals(true, config.settings().granularApproval().get("sandbox_approval"));
  }

  @Test
  void roleNamesCoreCannotUseAreLeftOutWithANote() {
    LoadedConfig config = load("[agents.\"code reviewer\"]\ndescription = \"Spaces.\"\n[agents.ok]\ndescription = \"Ok.\"\n", null);
    assertEquals(2, config.roles().size(), "Codex accepts any TOML key as a role name");
    RoleMapping mapping = config.toRoles();
    assertEquals(List.of("ok"), mapping.roles().stream().map(Role::name).toList());
    assertTrue(mapping.notes().get(0).fixHint().contains("code_reviewer"));
  }

  @Test
  void orchestraChecksAreReadAndTheProjectLayerOverridesTheUserLayer() {
    Path repo = root.resolve("repo");
    Fixtures.mkdirs(repo.resolve(".git"));
    write(codexHome(root).resolve("config.toml"), "model = \"m\"\n[orchestra]\nchecks = [\"sh test.sh\", \"npm test\"]\n");
    assertEquals(List.of("sh test.sh", "npm test"), isolated(root).strict(true).build().load().checks());
    assertTrue(isolated(root).strict(true).build().verify().isEmpty(), "[orchestra] is not an unknown key, even when strict");
    write(repo.resolve(".codex/config.toml"), "[orchestra]\nchecks = [\"make check\"]\n");
    LoadedConfig layered = isolated(root).workingDirectory(repo).trustProject(true).build().load();
    assertEquals(List.of("make check"), layered.checks(), "an array is replaced whole by the higher layer");
    write(repo.resolve(".codex/config.toml"), "model = \"repo\"\n");
    assertEquals(List.of("sh test.sh", "npm test"), isolated(root).workingDirectory(repo).trustProject(true).build().load().checks(),
        "a project layer without checks keeps the user's");
  }

  @Test
  void noChecksMeansTheGateDiscoversThem() {
    assertEquals(List.of(), load("model = \"m\"\n", null).checks());
  }

  @Test
  void defaultThreadBudgetIsCodexsSix() {
    assertEquals(6, load("", null).toRoles().maxThreads());
    assertThrows(IllegalArgumentException.class, () -> new RoleMapping(List.of(), 0, List.of()));
  }

  // ---------------------------------------------------------------- issue 12: the environment and the sandbox reach a run

  private static final java.util.Map<String, String> PARENT =
      java.util.Map.of("PATH", "/bin", "HOME", "/h", "OPENAI_API_KEY", "sk-x", "AWS_SECRET", "s", "BUILD_ID", "7");

  @Test
  void aShellEnvironmentPolicyTableMeansWhatItMeansToCodexKeyByKey() {
    ShellEnvironmentPolicy core = load("[shell_environment_policy]\ninherit = \"core\"\n", null).shellEnvironmentPolicy();
    assertEquals(new ShellEnvironmentPolicy(Inherit.CORE, true, List.of(), java.util.Map.of(), List.of()), core,
        "ignore_default_excludes is true when the table leaves it out, as in Codex");
    ShellEnvironmentPolicy empty = load("[shell_environment_policy]\n", null).shellEnvironmentPolicy();
    assertEquals(PARENT, empty.apply(PARENT), "an empty table is Codex's default: every variable passes");
    ShellEnvironmentPolicy full =
        load("[shell_environment_policy]\ninherit = \"none\"\nignore_default_excludes = false\nexclude = [\"AWS_*\"]\n"
            + "set = { MARK = \"1\", HOME = \"/override\" }\ninclude_only = [\"MARK\", \"home\", \"*_KEY\"]\n", null).shellEnvironmentPolicy();
    assertEquals(
        new ShellEnvironmentPolicy(Inherit.NONE, false, List.of("AWS_*"), java.util.Map.of("MARK", "1", "HOME", "/override"), List.of("MARK", "home", "*_KEY")),
        full);
    assertEquals(java.util.Map.of("MARK", "1", "HOME", "/override"), full.apply(PARENT));
  }

  @Test
  void withoutATableTheRunKeepsOrchestrasSaferDefault() {
    LoadedConfig config = load("model = \"m\"\n", null);
    assertEquals(ShellEnvironmentPolicy.defaults(), config.shellEnvironmentPolicy());
    assertEquals(java.util.Map.of("PATH", "/bin", "HOME", "/h", "BUILD_ID", "7"), config.shellEnvironmentPolicy().apply(PARENT));
  }

  @Test
  void writableRootsAndNetworkAccessComeFromSandboxWorkspaceWrite() {
    LoadedConfig none = load("model = \"m\"\n", null);
    assertEquals(List.of(), none.writableRoots());
    assertEquals(false, none.networkAccess(), "Codex's default");
    LoadedConfig set = load("[sandbox_workspace_write]\nwritable_roots = [\"../shared\", \"/abs/./data\"]\nnetwork_access = true\n", null);
    assertEquals(List.of(root.resolve("home/shared"), Path.of("/abs/data")), set.writableRoots(), "relative to the declaring file's folder");
    assertEquals(true, set.networkAccess());
  }

  @Test
  void badValuesAreErrorsWithFileLineAndKey() {
    Path config =
        write(codexHome(root).resolve("config.toml"),
            "[shell_environment_policy]\ninherit = \"some\"\nignore_default_excludes = \"yes\"\nexclude = \"AWS_*\"\n"
                + "set = { \"A=B\" = \"1\", N = 1 }\n[sandbox_workspace_write]\nwritable_roots = \"/data\"\nnetwork_access = \"no\"\n");
    List<Diagnostic> found = isolated(root).build().verify();
    assertEquals(
        List.of(
            "ERROR " + config + ":2:1 [shell_environment_policy.inherit]",
            "ERROR " + config + ":3:1 [shell_environment_policy.ignore_default_excludes]",
            "ERROR " + config + ":4:1 [shell_environment_policy.exclude]",
            "ERROR " + config + ":5:22 [shell_environment_policy.set.N]",
            "ERROR " + config + ":5:9 [shell_environment_policy.set.A=B]",
            "ERROR " + config + ":7:1 [sandbox_workspace_write.writable_roots]",
            "ERROR " + config + ":8:1 [sandbox_workspace_write.network_access]"),
        found.stream().map(d -> d.toString().substring(0, d.toString().indexOf(']') + 1)).toList(),
        found.toString());
    assertTrue(found.get(4).message().contains("'A=B' is not a valid variable name: it contains '='"), found.get(4).message());
    CodexConfigException e = assertThrows(CodexConfigException.class, () -> isolated(root).build().load());
    assertEquals(found, e.diagnostics());
  }

  @Test
  void aRoleFilesEnvironmentAndSandboxTablesAreIgnoredWithAWarning() {
    String roleFile = "developer_instructions = \"Do r.\"\n[shell_environment_policy]\ninherit = \"none\"\n"
        + "[sandbox_workspace_write]\nnetwork_access = true\n";
    LoadedConfig config = load("[agents.r]\ndescription = \"R.\"\nconfig_file = \"agents/r.toml\"\n", roleFile);
    assertEquals(List.of("WARNING shell_environment_policy", "WARNING sandbox_workspace_write"),
        config.diagnostics().stream().map(d -> d.severity() + " " + d.keyPath()).toList(), config.diagnostics().toString());
    assertTrue(config.diagnostics().get(0).message().startsWith("a role's [shell_environment_policy] is ignored: every command of a run gets the run's"),
        config.diagnostics().get(0).message());
    assertEquals(ShellEnvironmentPolicy.defaults(), config.shellEnvironmentPolicy(), "the run's policy, not the role's");
    assertEquals(false, config.networkAccess());
    assertEquals(2, isolated(root).strict(true).build().verify().stream().filter(Diagnostic::isError).count(), "errors when strict");
  }

  @Test
  void experimentalUseProfileIsReadButNotHonouredAndSaysSo() {
    LoadedConfig config = load("[shell_environment_policy]\nexperimental_use_profile = true\n", null);
    assertEquals(List.of("shell_environment_policy.experimental_use_profile"), config.diagnostics().stream().map(Diagnostic::keyPath).toList());
    assertTrue(config.diagnostics().get(0).message().contains("is not honoured"), config.diagnostics().toString());
  }
}
