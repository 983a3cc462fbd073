package dev.orchestra;

import dev.orchestra.gate.Gate;
import dev.orchestra.gate.Verdict;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.testing.ManualClock;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on a real git repository with a real command gate: explorers, planner, twelve
 * parallel implementers plus two whose write scopes overlap, a CI script that fails until every
 * file exists, a reviewer that blocks once, findings turned into tasks, rate limits that step the
 * budget 12 -> 10 -> 8 and back, and a green finish with release notes.
 */
final class OrchestratorEndToEndTest {
  private static final int PARTS = 12;

  @TempDir Path dir;

  @Test
  void runsTheWholeLoopToGreen() throws Exception {
    Assumptions.assumeTrue(TestRepos.gitAvailable(), "git is needed for this test");
    Path repo = TestRepos.sampleRepo(dir.resolve("repo"), PARTS);
    ManualClock clock = new ManualClock(Instant.parse("2026-11-24T10:00:00Z"));
    ScriptedModelProvider model = new ScriptedModelProvider(clock.sleeper());

    model.on("explorer").otherwise(Reply.text(Json.exploration("src/", "sh check.sh")));

    List<Task> tasks = new ArrayList<>();
    for (int i = 1; i <= PARTS; i++) {
      tasks.add(Json.task("T" + i, "Write part " + i, List.of("src/part-" + i + ".txt"), List.of()));
    }
    tasks.add(Json.task("T13", "Write shared notes A", List.of("shared/**"), List.of()));
    tasks.add(Json.task("T14", "Write shared notes B", List.of("shared/**"), List.of()));
    model.on("orchestrator")
        .reply(Reply.text(Json.plan(tasks, List.of("Translate the parts"), List.of("check.sh is the only test"))));

    // The first twelve implementers to start wait for each other: the run can only go on if the
    // scheduler really runs twelve at once.
    CountDownLatch twelveRunning = new CountDownLatch(PARTS);
    for (int i = 1; i <= PARTS + 2; i++) {
      String id = "T" + i;
      String path = i <= PARTS ? "src/part-" + i + ".txt" : "shared/" + (i == 13 ? "a" : "b") + ".md";
      model.on("implementer", id)
          .reply(
              Reply.answer(
                  req -> {
                    twelveRunning.countDown();
                    try {
                      twelveRunning.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    return new ModelResponse(
                        "", List.of(new ToolCall("c-" + id, "write_file", Json.writeArgs(path, "content of " + id + "\n"))),
                        new TokenUsage(100, 10, 0, 0));
                  }),
              Reply.text(Json.implemented("wrote " + path)));
    }

    // Round 1 gates: CI fails (config missing) and the CI runner explains it; the reviewer blocks
    // once; QA passes; nothing sensitive, so no security review.
    model.on("ci_runner")
        .reply(Reply.text(Json.ciDiagnosis("src/config.txt is missing", "src/config.txt", "Create src/config.txt")));
    model.on("reviewer")
        .reply(
            Reply.text(
                Json.review(false, "README.md", 1, "README.md does not say how to run the check", "Document sh check.sh in README.md", List.of())),
            // Round 2: ship, after 31 s of fake time: the budget has been stable long enough to step up.
            Reply.text(Json.review(true, "", 0, "", "", List.of("Add a CHANGELOG"))).after(Duration.ofSeconds(31)));
    // QA takes 91 s of fake time: long enough for the budget to climb back to 10, where the
    // trouble was, which takes three stable windows (BudgetLadder.CAUTION).
    model.on("qa_test_author").otherwise(Reply.text(Json.qaPass()).after(Duration.ofSeconds(91)));
    model.on("security_reviewer").otherwise(Reply.text(Json.securityClean()));
    model.on("release_manager").reply(Reply.text(Json.release()));

    // Round 2: the fix for CI is rate limited twice (12 -> 10 -> 8), then succeeds.
    model.on("implementer", "F1")
        .reply(
            Reply.rateLimited(Duration.ofSeconds(3)),
            Reply.rateLimited(Duration.ofSeconds(3)),
            Reply.toolCall("write_file", Json.writeArgs("src/config.txt", "api_key_env = SAMPLE_KEY\n")),
            Reply.text(Json.implemented("created src/config.txt")));
    model.on("implementer", "F2")
        .reply(
            Reply.toolCall("write_file", Json.writeArgs("README.md", "# Sample\n\nRun `sh check.sh`.\n")),
            Reply.text(Json.implemented("documented the check")));

    EventRecorder events = new EventRecorder();
    RunResult result;
    try (Orchestrator orchestra =
        Orchestrator.builder()
            .workspace(repo)
            .modelProvider(model)
            .clock(clock)
            .sleeper(clock.sleeper())
            .addGate(Gate.command("sh", "check.sh").build())
            .addGate(Gate.review())
            .addGate(Gate.qa())
            .addGate(Gate.security())
            .addListener(events)
            .isolation(Isolation.Worktrees.builder().fastForwardWhenGreen(true).build())
            .build()) {
      result = orchestra.run("Add the twelve parts and the config");
    }

    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    assertEquals(2, result.rounds());
    assertEquals(0, model.unusedReplies(), "every scripted reply was used");

    // Each writing task worked in a worktree of its own, and its commit was integrated; the green
    // run fast-forwarded the checkout to the integration branch.
    assertEquals(
        events.of(OrchestraEvent.TaskCommitted.class).stream().map(OrchestraEvent.TaskCommitted::taskId).sorted().toList(),
        events.of(OrchestraEvent.TaskIntegrated.class).stream().map(OrchestraEvent.TaskIntegrated::taskId).sorted().toList());
    assertTrue(events.of(OrchestraEvent.TaskIntegrated.class).size() >= PARTS, result.message());
    assertTrue(result.message().contains("fast-forwarded to orchestra/"), result.message());
    // The repository holds the implementers' work.
    for (int i = 1; i <= PARTS; i++) {
      assertTrue(Files.exists(repo.resolve("src/part-" + i + ".txt")));
    }
    assertTrue(Files.readString(repo.resolve("README.md")).contains("sh check.sh"));
    assertTrue(Files.exists(repo.resolve("shared/a.md")) && Files.exists(repo.resolve("shared/b.md")));

    // plan.md: every task done, the findings became F1 (CI) and F2 (review), Later kept the
    // out-of-scope suggestions, and the summary is written.
    Plan plan = Plan.read(repo.resolve("plan.md"));
    assertEquals(PARTS + 4, plan.tasks().size());
    assertTrue(plan.tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE), plan.toMarkdown());
    Task f1 = plan.task("F1").orElseThrow();
    assertEquals("Create src/config.txt", f1.title());
    // Widened by issue 11: the named file, its folder, and what the failing check touched.
    // check.sh is the script the failing gate ran (Finding.relatedFiles); src/config.txt, which its
    // output names, did not exist yet, so it comes only from the diagnosis.
    assertEquals(List.of("src/config.txt", "src/**", "check.sh"), f1.writeScope());
    assertTrue(f1.notes().startsWith("ci finding (high) at src/config.txt: src/config.txt is missing"), f1.notes());
    Task f2 = plan.task("F2").orElseThrow();
    assertEquals("Document sh check.sh in README.md", f2.title());
    assertEquals(List.of("Translate the parts", "Add a CHANGELOG"), plan.later());
    assertEquals(PARTS + 4, plan.done().size());
    assertTrue(plan.next().isEmpty());
    assertTrue(plan.risks().contains("check.sh is the only test"));
    assertEquals(plan, result.plan());

    // Gate order per round, with the security review skipped in round 1 and run in round 2
    // because the config mentions a key.
    List<String> gateSteps = new ArrayList<>();
    for (OrchestraEvent e : events.events()) {
      if (e instanceof OrchestraEvent.GateStarted g) {
        gateSteps.add(g.round() + ":" + g.gate());
      } else if (e instanceof OrchestraEvent.GateSkipped g) {
        gateSteps.add(g.round() + ":" + g.gate() + "(skipped)");
      }
    }
    assertEquals(
        List.of("1:ci", "1:review", "1:qa", "1:security(skipped)", "2:ci", "2:review", "2:qa", "2:security"),
        gateSteps);
    OrchestraEvent.GateStarted security =
        events.of(OrchestraEvent.GateStarted.class).stream().filter(g -> g.gate().equals("security")).findFirst().orElseThrow();
    assertTrue(security.reason().contains("src/config.txt"), security.reason());
    List<Verdict> round1 =
        events.of(OrchestraEvent.GateFinished.class).stream().filter(g -> g.round() == 1).map(OrchestraEvent.GateFinished::verdict).toList();
    assertEquals(List.of(Verdict.FAIL, Verdict.BLOCK, Verdict.PASS), round1);

    // Twelve at once (the budget), never more. The two writers of shared/** each have a worktree
    // of their own, so they may run together; both landed (above).
    assertEquals(12, events.maxConcurrentTasks(id -> id.matches("T\\d+")));
    assertTrue(events.maxConcurrentTasks(id -> true) <= 12);
    assertTrue(events.starts().values().stream().allMatch(n -> n == 1), "no task ran twice: " + events.starts());

    // The ladder: down two rungs on the rate limits, then back up one agent per stable window,
    // and three windows to get back to 10, where the trouble was.
    List<String> ladder =
        events.of(OrchestraEvent.BudgetChanged.class).stream().map(b -> b.from() + "->" + b.to()).toList();
    assertEquals(List.of("12->10", "10->8", "8->9", "9->10"), ladder);
    assertTrue(events.of(OrchestraEvent.BudgetChanged.class).get(0).cause().startsWith("rate limited"));
    assertEquals("stable for 30 s", events.of(OrchestraEvent.BudgetChanged.class).get(2).cause());
    assertEquals("stable for 90 s", events.of(OrchestraEvent.BudgetChanged.class).get(3).cause());

    // The release manager's plan is in the result.
    assertEquals(List.of("Revert the merge commit"), result.releasePlan().orElseThrow().rollbackPlan());

    // The journal has every event, each line versioned and typed.
    List<String> lines = Files.readAllLines(repo.resolve(".orchestra/journal.jsonl"), StandardCharsets.UTF_8);
    assertEquals(events.events().size(), lines.size());
    for (String line : lines) {
      JsonNode node = Json.M.readTree(line);
      assertEquals(OrchestraEvent.SCHEMA_VERSION, node.get("v").asInt(), line);
      assertTrue(node.get("type").isTextual(), line);
    }
    assertEquals("run_finished", Json.M.readTree(lines.get(lines.size() - 1)).get("type").asText());
    assertTrue(IntStream.range(0, lines.size()).allMatch(i -> lines.get(i).startsWith("{\"v\":" + OrchestraEvent.SCHEMA_VERSION + ",\"type\":")));
  }
}
