package dev.orchestra.toml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.ReasoningEffort;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.toml.StarterPack.Tier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: for a random starter pack followed by random key edits, writing and then loading gives
 * back exactly the roles and values that were written. A seeded {@link Random} makes every failure
 * reproducible: the message names the seed and the iteration.
 */
final class RoundTripPropertyTest {
  private static final long SEED = 0x0C0DE5L;
  private static final int ITERATIONS = 150;
  private static final String ALPHABET = "abcXYZ019 _-.,:;'\"\\#[]{}=+*/é中\t";
  /** The efforts a provider accepts; any other is an error (VerifyTest). */
  private static final List<String> EFFORTS = List.of("none", "minimal", "low", "medium", "high", "xhigh");

  @TempDir Path tmp;

  /** What a role should load as. */
  private static final class Expected {
    String model;
    boolean ownModel = true;
    ReasoningEffort effort;
    SandboxMode sandbox;
    ApprovalPolicy approval;
    String description;
    String instructions;
  }

  @Test
  void writeThenLoadGivesTheSameRolesAndValuesBack() {
    Random random = new Random(SEED);
    for (int i = 0; i < ITERATIONS; i++) {
      long seed = random.nextLong();
      try {
        runOnce(new Random(seed), tmp.resolve("case-" + i));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("round trip failed for iteration " + i + " (seed " + seed + "): " + e.getMessage(), e);
      }
    }
  }

  private void runOnce(Random random, Path dir) {
    Tier tier = Tier.values()[random.nextInt(2)];
    StarterPack pack = StarterPack.builder(tier).securityReviewer(random.nextBoolean()).build();
    pack.writeTo(dir);
    Map<String, Expected> roles = new HashMap<>();
    for (String name : pack.roleNames()) {
      Role catalog = BuiltInRoles.get(name);
      Expected e = new Expected();
      e.model = pack.modelFor(name);
      e.effort = catalog.reasoningEffort();
      e.sandbox = catalog.sandboxMode();
      e.approval = catalog.approvalPolicy();
      e.description = catalog.description();
      e.instructions = StarterPack.instructions(catalog);
      roles.put(name, e);
    }
    int maxThreads = StarterPack.MAX_THREADS;
    String baseModel = null;
    String serviceTier = null;
    String theme = null;
    List<String> names = new ArrayList<>(pack.roleNames());
    int edits = random.nextInt(8);
    for (int n = 0; n < edits; n++) {
      String role = names.get(random.nextInt(names.size()));
      Expected e = roles.get(role);
      Path roleFile = dir.resolve("agents/" + role + ".toml");
      Path config = dir.resolve("config.toml");
      switch (random.nextInt(11)) {
        case 0:
          maxThreads = 1 + random.nextInt(64);
          ConfigEditor.open(config).set("agents.max_threads", maxThreads).save();
          break;
        case 1:
          String description = "D" + text(random, 30, false);
          ConfigEditor.open(config).set("agents." + role + ".description", description).save();
          e.description = description.strip();
          break;
        case 2:
          e.model = "m" + text(random, 12, false);
          e.ownModel = true;
          ConfigEditor.open(roleFile).set("model", e.model).save();
          break;
        case 3:
          String effort = EFFORTS.get(random.nextInt(EFFORTS.size()));
          ConfigEditor.open(roleFile).set("model_reasoning_effort", effort).save();
          e.effort = ReasoningEffort.of(effort);
          break;
        case 4:
          e.instructions = "I" + text(random, 200, true);
          ConfigEditor.open(roleFile).set("developer_instructions", e.instructions).save();
          break;
        case 5:
          ConfigEditor removal = ConfigEditor.open(roleFile);
          removal.remove("model");
          removal.save();
          e.ownModel = false;
          break;
        case 6:
          baseModel = "base-" + random.nextInt(1000);
          ConfigEditor.open(config).set("model", baseModel).save();
          break;
        case 7:
          e.sandbox = SandboxMode.values()[random.nextInt(SandboxMode.values().length)];
          ConfigEditor.open(roleFile).set("sandbox_mode", e.sandbox.configValue()).save();
          break;
        case 8:
          e.approval = List.of(ApprovalPolicy.UNTRUSTED, ApprovalPolicy.ON_REQUEST, ApprovalPolicy.NEVER).get(random.nextInt(3));
          ConfigEditor.open(roleFile).set("approval_policy", e.approval.configValue()).save();
          break;
        case 9:
          theme = text(random, 10, false);
          ConfigEditor.open(config).set("tui.theme", theme).save();
          break;
        default:
          serviceTier = "tier-" + random.nextInt(10);
          ConfigEditor.open(config).set("service_tier", serviceTier).save();
      }
    }
    LoadedConfig loaded = CodexConfig.forFolder(dir).load();
    RoleMapping mapping = loaded.toRoles(SandboxMode.DANGER_FULL_ACCESS, ApprovalPolicy.NEVER);
    assertEquals(maxThreads, mapping.maxThreads());
    assertEquals(Optional.ofNullable(baseModel), loaded.settings().model());
    assertEquals(Optional.ofNullable(serviceTier), loaded.settings().serviceTier());
    if (theme != null) {
      assertEquals(theme, ((Map<?, ?>) loaded.table().get("tui")).get("theme"));
    }
    assertEquals(names, mapping.roles().stream().map(Role::name).toList());
    for (Role role : mapping.roles()) {
      Expected e = roles.get(role.name());
      assertEquals(e.ownModel ? Optional.of(e.model) : Optional.ofNullable(baseModel), role.model(), role.name() + " model");
      assertEquals(e.effort, role.reasoningEffort(), role.name() + " effort");
      assertEquals(e.sandbox, role.sandboxMode(), role.name() + " sandbox");
      assertEquals(e.approval, role.approvalPolicy(), role.name() + " approval");
      assertEquals(e.description, role.description(), role.name() + " description");
      assertEquals(e.instructions, role.instructions(), role.name() + " instructions");
    }
    assertEquals(List.of(), loaded.diagnostics());
  }

  private static String text(Random random, int maxLength, boolean lines) {
    StringBuilder b = new StringBuilder();
    int length = random.nextInt(maxLength + 1);
    for (int i = 0; i < length; i++) {
      if (lines && random.nextInt(12) == 0) {
        b.append('\n');
      } else {
        b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
    }
    return b.toString();
  }
}
