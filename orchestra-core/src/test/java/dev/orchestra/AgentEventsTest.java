package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchestra.agent.Agent;
import dev.orchestra.agent.AgentActivity;
import dev.orchestra.agent.ReportFormat;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.store.Journal;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.plan.Task;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.RoleAnswers;
import dev.orchestra.testing.ScriptedModelProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model call's end that finds the run's lock taken does not wait for it: it waits in the agent's
 * events, and goes in with the agent's next event, or with the task's end, in the agent's order,
 * its tokens counted. The test holds the run's lock itself at the moment the agent reports. The
 * end of a call that answered without asking for a tool waits for the agent's next event even with
 * the lock free.
 */
final class AgentEventsTest {
  @TempDir Path ws;

  private final CountDownLatch agentReady = new CountDownLatch(1);
  private final CountDownLatch lockHeld = new CountDownLatch(1);
  private final CountDownLatch reported = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  @Test
  void aModelCallsEndWaitingForTheLockGoesInWithTheAgentsNextEvent() throws Exception {
    Agent agent =
        (role, task, context) -> {
          await(agentReady, lockHeld);
          context.report(new AgentActivity.TurnFinished("m-1", new TokenUsage(40, 0, 10, 0), Duration.ofMillis(3)));
          await(reported, released);
          context.report(new AgentActivity.Message("next"));
          context.report(new AgentActivity.TurnFinished("m-1", new TokenUsage(5, 0, 1, 0), Duration.ofMillis(3)));
          return ReportFormat.parse(role.name(), RoleAnswers.implementation("done"), List.of());
        };
    EventRecorder events = run(agent);

    assertEquals(List.of("model 40", "message next", "model 5", "finished"), t1(events), "T1's events, in the order the listener heard them");
    assertJournalUsageAddsUp(45);
  }

  @Test
  void oneStillWaitingAtTheTasksEndGoesInJustBeforeIt() throws Exception {
    Agent agent =
        (role, task, context) -> {
          await(agentReady, lockHeld);
          context.report(new AgentActivity.TurnFinished("m-1", new TokenUsage(40, 0, 10, 0), Duration.ofMillis(3)));
          reported.countDown();
          return ReportFormat.parse(role.name(), RoleAnswers.implementation("done"), List.of());
        };
    EventRecorder events = run(agent);

    assertEquals(List.of("model 40", "finished"), t1(events));
    assertJournalUsageAddsUp(40);
  }

  /**
   * A call that answers without asking for a tool ends the agent's turn, so its end waits for the
   * agent's next event even with the lock free: here the answer does not parse, and its tokens are
   * not in the run's count (read under the run's lock) when the call that asks again is made; they
   * go in with that call's end and the task's, in order.
   */
  @Test
  void theEndOfACallAnsweringWithoutAToolGoesInWithTheAgentsNextEvent() throws Exception {
    long unreadable = 1_000_000; // the unreadable answer's input tokens: far above every other call's
    EventRecorder events = new EventRecorder();
    List<Long> countedAtRepair = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Orchestrator> running = new java.util.concurrent.atomic.AtomicReference<>();
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(Task.builder("T1", "Do it").role("implementer").build()))));
    model.on("release_manager").otherwise(Reply.text("{}"));
    model.on("implementer")
        .reply(
            Reply.toolCall("list_dir", "{\"path\":\"\"}"),
            Reply.answer(request -> ModelResponse.text("not the report", new TokenUsage(unreadable, 0, 1, 0))),
            Reply.answer(request -> {
              RunEngine engine = ((DefaultOrchestrator) running.get()).engine().orElseThrow();
              engine.lock().lock();
              try {
                countedAtRepair.add(engine.machine().state().usage().inputTokens());
              } finally {
                engine.lock().unlock();
              }
              return ModelResponse.text(RoleAnswers.implementation("done"), new TokenUsage(7, 0, 1, 0));
            }));
    try (Orchestrator o = Orchestrator.builder().workspace(ws).modelProvider(model).explorationProbes(List.of()).addListener(events).build()) {
      running.set(o);
      RunResult r = o.run("Do it");
      assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    }
    assertEquals(1, countedAtRepair.size());
    assertTrue(countedAtRepair.get(0) < unreadable, "the unreadable answer's call is not counted before the agent's next event: " + countedAtRepair);
    List<OrchestraEvent.ModelCallFinished> t1 =
        events.of(OrchestraEvent.ModelCallFinished.class).stream().filter(m -> m.taskId().equals("T1")).toList();
    assertEquals(List.of(unreadable, 7L), t1.subList(1, t1.size()).stream().map(m -> m.usage().inputTokens()).toList(), "T1's calls, in order");
    assertEquals(List.of("model", "model", "model", "finished"), t1Calls(events), "T1's calls before its end");
    assertJournalUsageAddsUp(t1.stream().mapToLong(m -> m.usage().inputTokens()).sum());
  }

  /** T1's model calls and its end, in the order heard. */
  private static List<String> t1Calls(EventRecorder events) {
    List<String> out = new ArrayList<>();
    for (OrchestraEvent e : events.events()) {
      if (e instanceof OrchestraEvent.ModelCallFinished m && m.taskId().equals("T1")) {
        out.add("model");
      } else if (e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1")) {
        out.add("finished");
      }
    }
    return out;
  }

  /** Runs one task with {@code agent}, holding the run's lock from its first report until it reported. */
  private EventRecorder run(Agent agent) throws Exception {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(RoleAnswers.plan(List.of(Task.builder("T1", "Do it").role("implementer").build()))));
    model.on("release_manager").otherwise(Reply.text("{}"));
    EventRecorder events = new EventRecorder();
    try (Orchestrator o =
        Orchestrator.builder()
            .workspace(ws)
            .modelProvider(model)
            .explorationProbes(List.of())
            .agent(Agent.byRole(Map.of("implementer", agent), Agent.toolLoop()))
            .addListener(events)
            .build()) {
      CompletableFuture<RunResult> result = o.runAsync("Do it");
      assertTrue(agentReady.await(30, TimeUnit.SECONDS), "the agent started");
      ReentrantLock lock = ((DefaultOrchestrator) o).engine().orElseThrow().lock();
      List<String> seenWhileHeld;
      lock.lock();
      try {
        lockHeld.countDown();
        assertTrue(reported.await(30, TimeUnit.SECONDS), "the agent reported while the lock was held");
        seenWhileHeld = t1(events);
      } finally {
        lock.unlock();
      }
      released.countDown();
      assertEquals(List.of(), seenWhileHeld, "nothing of T1 goes in while another thread holds the lock");
      RunResult r = result.get(60, TimeUnit.SECONDS);
      assertEquals(StopReason.GREEN, r.stopReason(), r.message());
    }
    return events;
  }

  private static void await(CountDownLatch done, CountDownLatch next) {
    done.countDown();
    try {
      assertTrue(next.await(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** T1's events after its start, as short words. */
  private static List<String> t1(EventRecorder events) {
    List<String> out = new ArrayList<>();
    for (OrchestraEvent e : events.events()) {
      if (e instanceof OrchestraEvent.ModelCallFinished m && m.taskId().equals("T1")) {
        out.add("model " + m.usage().inputTokens());
      } else if (e instanceof OrchestraEvent.AgentMessage m && m.taskId().equals("T1")) {
        out.add("message " + m.text());
      } else if (e instanceof OrchestraEvent.TaskFinished f && f.taskId().equals("T1")) {
        out.add("finished");
      }
    }
    return out;
  }

  /** T1's model calls are in the journal with their tokens, and the run's usage is the sum of every call's: none was lost. */
  private void assertJournalUsageAddsUp(long t1Input) throws Exception {
    long input = 0;
    long t1 = 0;
    long total = -1;
    for (JsonNode e : Journal.read(ws.resolve(".orchestra/journal.jsonl"))) {
      String type = e.get("type").asText();
      if (type.equals("model_call_finished")) {
        input += e.get("usage").get("inputTokens").asLong();
        if (e.get("taskId").asText().equals("T1")) {
          t1 += e.get("usage").get("inputTokens").asLong();
        }
      } else if (type.equals("run_finished")) {
        total = e.get("usage").get("inputTokens").asLong();
      }
    }
    assertEquals(t1Input, t1, "T1's tokens in the journal");
    assertEquals(input, total);
  }
}
