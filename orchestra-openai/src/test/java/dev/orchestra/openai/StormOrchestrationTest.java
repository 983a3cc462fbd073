package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestra.BudgetPolicy;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.openai.testing.FakeOpenAiServer;
import dev.orchestra.openai.testing.FakeReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An orchestration whose model calls hit a 429 storm: the real OpenAI provider against the fake
 * server, which throttles for a while; the budget steps down, recovers, and every task ends done.
 */
final class StormOrchestrationTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path ws;

  @Test
  void aStormStepsTheBudgetDownAndBackUpAndLosesNothing() throws Exception {
    int tasks = 120;
    AtomicBoolean storm = new AtomicBoolean(false);
    List<String> budget = Collections.synchronizedList(new ArrayList<>());
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      server.dispatcher(
          req -> {
            JsonNode body;
            try {
              body = JSON.readTree(req.body());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            String instructions = body.path("instructions").asText("");
            if (instructions.startsWith("You own the plan")) {
              return FakeReply.responsesStream(plan(tasks), List.of(), 100, 50);
            }
            if (storm.get()) {
              return FakeReply.error(429, "requests", "rate_limit_exceeded", "Rate limit reached. Please try again in 30ms.");
            }
            String done = "{\"whatChanged\":[\"x\"],\"commandsRun\":[],\"result\":\"done\"}";
            return FakeReply.responsesStream(done, List.of(), 200, 20).withDelay(Duration.ofMillis(60));
          });
      // The storm starts with the first implementer call and lasts 400 ms.
      Thread stormer =
          new Thread(
              () -> {
                try {
                  while (server.requestCount() < 2) {
                    Thread.sleep(1);
                  }
                  storm.set(true);
                  Thread.sleep(400);
                  storm.set(false);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      stormer.setDaemon(true);
      stormer.start();
      OpenAiProvider provider =
          OpenAiProvider.builder()
              .baseUrl(server.baseUrl())
              .noApiKey()
              .retryPolicy(new RetryPolicy(30, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5)))
              .build();
      RunResult result;
      try (provider;
          Orchestrator orchestra =
              Orchestrator.builder()
                  .workspace(ws)
                  .modelProvider(provider)
                  .explorationProbes(List.of())
                  .roles(dev.orchestra.role.BuiltInRoles.minimalTeam())
                  .budgetPolicy(BudgetPolicy.defaults().withStepDownSpacing(Duration.ofMillis(50)).withStableWindow(Duration.ofMillis(80)))
                  .addListener(
                      e -> {
                        if (e instanceof OrchestraEvent.BudgetChanged b) {
                          budget.add(b.from() + "->" + b.to());
                        }
                      })
                  .build()) {
        result = orchestra.run("Survive the storm");
      }
      assertEquals(StopReason.GREEN, result.stopReason(), result.message());
      assertEquals(tasks, result.plan().tasks().size());
      assertTrue(result.plan().tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE), "every task ended done");
      assertTrue(budget.contains("12->10") && budget.contains("10->8"), "stepped down: " + budget);
      // Back up one agent per stable window, all the way to the top.
      assertTrue(budget.indexOf("8->9") > budget.indexOf("10->8"), "recovering: " + budget);
      assertEquals("11->12", budget.get(budget.size() - 1), "recovered: " + budget);
      assertTrue(server.requestCount() > tasks + 1, "the storm was absorbed by retries");
      assertTrue(Files.exists(ws.resolve("plan.md")));
    }
  }

  static String plan(int n) {
    return dev.orchestra.testing.RoleAnswers.plan(dev.orchestra.testing.RoleAnswers.independentTasks(n));
  }
}
