package dev.orchestra;

import dev.orchestra.agent.RoleReport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orchestra.model.Message;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ProviderSignals;
import dev.orchestra.model.RateLimitedException;
import dev.orchestra.model.RejectedRequestException;
import dev.orchestra.testing.ManualClock;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ScriptedModelProviderTest {
  private static ModelRequest req(String role, String task) {
    return ModelRequest.builder().role(role).taskId(task).model("m").messages(List.of(Message.user("hi"))).build();
  }

  private static String text(ScriptedModelProvider p, String role, String task) {
    return p.respond(req(role, task), ProviderSignals.NONE).text();
  }

  @Test
  void taskScriptsComeBeforeRoleScriptsAndFallbacksLast() {
    ScriptedModelProvider p = new ScriptedModelProvider();
    p.on("implementer").reply(Reply.text("role-1"), Reply.text("role-2")).otherwise(Reply.text("role-fallback"));
    p.on("implementer", "T1").reply(Reply.text("task-1")).otherwise(Reply.text("task-fallback"));
    assertEquals("task-1", text(p, "implementer", "T1"));
    assertEquals("role-1", text(p, "implementer", "T1"));
    assertEquals("role-2", text(p, "implementer", "T2"));
    assertEquals("task-fallback", text(p, "implementer", "T1"));
    assertEquals("role-fallback", text(p, "implementer", "T2"));
    assertEquals(5, p.requests().size());
    assertEquals(3, p.requests("implementer", "T1").size());
    assertEquals(0, p.unusedReplies());
  }

  @Test
  void anUnscriptedRequestIsRejectedNamingWhatWasScripted() {
    ScriptedModelProvider p = new ScriptedModelProvider();
    p.on("reviewer").reply(Reply.text("x"));
    RejectedRequestException e = assertThrows(RejectedRequestException.class, () -> text(p, "explorer", "e1"));
    assertEquals("no scripted reply for role 'explorer' on task 'e1'; scripted: reviewer", e.getMessage());
  }

  @Test
  void failuresAndDelaysAreScripted() {
    ManualClock clock = new ManualClock(Instant.EPOCH);
    ScriptedModelProvider p = new ScriptedModelProvider(clock.sleeper());
    p.on("r").reply(Reply.rateLimited(Duration.ofSeconds(7)), Reply.text("late").after(Duration.ofMinutes(2)));
    RateLimitedException e = assertThrows(RateLimitedException.class, () -> text(p, "r", "t"));
    assertEquals(Duration.ofSeconds(7), e.retryAfter().orElseThrow());
    assertEquals("late", text(p, "r", "t"));
    assertEquals(Instant.EPOCH.plus(Duration.ofMinutes(2)), clock.instant());
    assertThrows(RejectedRequestException.class, () -> text(p, "r", "t"));
  }
}
