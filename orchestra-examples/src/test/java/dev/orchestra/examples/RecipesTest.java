package dev.orchestra.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.gate.Gate;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import dev.orchestra.toml.StarterPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every embedding recipe, compiled and run. */
final class RecipesTest {
  @TempDir Path ws;

  static final String PLAN =
      "{\"tasks\":[{\"id\":\"T1\",\"title\":\"Write notes\",\"acceptance\":[\"notes.txt exists\"],\"dependsOn\":[],"
          + "\"writeScope\":[\"notes.txt\"],\"role\":\"implementer\"}],\"later\":[],\"risks\":[]}";

  @Test
  void aCustomGateTurnsItsFindingsIntoTasks() throws Exception {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(PLAN));
    model.on("implementer", "T1")
        .reply(Reply.toolCall("write_file", "{\"path\":\"notes.txt\",\"content\":\"hello\\nFIXME later\\n\"}"), Reply.text("{\"result\":\"wrote\"}"));
    model.on("implementer", "F1")
        .reply(Reply.toolCall("write_file", "{\"path\":\"notes.txt\",\"content\":\"hello\\n\"}"), Reply.text("{\"result\":\"fixed\"}"));
    model.on("release_manager").otherwise(Reply.text("{}"));
    ProgressView view = new ProgressView();
    RunResult r;
    try (Orchestrator o =
        Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).addGate(new CustomGate()).addListener(view).build()) {
      r = o.run("Write notes");
    }
    assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    assertEquals("Resolve the FIXME in notes.txt", r.plan().task("F1").orElseThrow().title());
    assertEquals("hello\n", Files.readString(ws.resolve("notes.txt")));
    ProgressView.Snapshot s = view.snapshot();
    assertTrue(s.finished());
    assertEquals(1.0, s.fraction());
    assertTrue(s.running().isEmpty());
    assertEquals("no-fixme: pass", s.lastGate());
  }

  @Test
  void aCustomProviderDrivesARun() {
    Map<String, Function<ModelRequest, String>> rules =
        Map.of(
            "orchestrator", req -> PLAN,
            "implementer", req -> "{\"whatChanged\":[],\"commandsRun\":[],\"result\":\"nothing to change\"}",
            "release_manager", req -> RoleAnswers.release(List.of("Nothing changed"), List.of("Nothing to roll back")));
    RuleBasedModelProvider provider = new RuleBasedModelProvider(rules);
    RunResult r;
    try (Orchestrator o = Orchestrator.builder().workspace(ws).modelProvider(provider).explorationProbes(List.of()).build()) {
      r = o.run("Nothing much");
    }
    assertEquals(StopReason.GREEN, r.stopReason());
    assertEquals(3, provider.calls());
    ModelRequest unknown =
        ModelRequest.builder().role("poet").taskId("x").model("m").messages(List.of(Message.user("hi"))).build();
    assertTrue(
        org.junit.jupiter.api.Assertions.assertThrows(dev.orchestra.model.RejectedRequestException.class, () -> provider.respond(unknown, dev.orchestra.model.ProviderSignals.NONE))
            .getMessage().startsWith("no rule for role 'poet'"));
  }

  @Test
  void rolesAndBudgetComeFromACodexConfiguration() throws Exception {
    Path codex = ws.resolve(".codex");
    StarterPack.builder(StarterPack.Tier.PRO).build().writeTo(codex);
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("explorer").otherwise(Reply.text("{}"));
    model.on("orchestrator").reply(Reply.text(PLAN));
    model.on("implementer").otherwise(Reply.text("{\"result\":\"done\"}"));
    model.on("release_manager").otherwise(Reply.text("{}"));
    try (Orchestrator o = LoadCodexConfig.fromCodexFolder(codex, ws, model)) {
      assertEquals(StopReason.GREEN, o.run("Configured").stopReason());
    }
    assertEquals("gpt-5.3-codex-spark", model.requests("explorer").get(0).model(), "the pro tier's fast model for the explorer");
    assertEquals("gpt-5.4", model.requests("orchestrator").get(0).model());
  }

  @Test
  void theRecipeGateSkipsBatchesThatChangedNothing() {
    assertTrue(!new CustomGate().applies(new dev.orchestra.gate.Batch(1, "g", ws, List.of(), Map.of(), List.of())).applies());
    assertEquals("no-fixme", ((Gate) new CustomGate()).name());
  }
}
