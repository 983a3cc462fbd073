package dev.orchestra.issues;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.orchestra.BudgetPolicy;
import dev.orchestra.EventRecorder;
import dev.orchestra.Isolation;
import dev.orchestra.Json;
import dev.orchestra.Orchestrator;
import dev.orchestra.RunResult;
import dev.orchestra.StopReason;
import dev.orchestra.TestRepos;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.gate.Gate;
import dev.orchestra.model.Message;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.model.TokenUsage;
import dev.orchestra.model.ToolCall;
import dev.orchestra.plan.Plan;
import dev.orchestra.plan.Task;
import dev.orchestra.plan.TaskStatus;
import dev.orchestra.testing.Reply;
import dev.orchestra.testing.ScriptedModelProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a git worktree per task, integration in plan order, conflicts as work. Real git in
 * temporary repositories, the real orchestrator, a scripted model.
 */
final class Issue13WorktreesTest {
  /** Ten lines: tasks edit lines 1 and 9, at least three lines apart. */
  private static final String SHARED = "alpha\nb\nc\nd\ne\nf\ng\nh\nomega\nj\n";

  @TempDir Path repo;
  final EventRecorder events = new EventRecorder();

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(TestRepos.gitAvailable(), "git is not installed");
    TestRepos.write(repo, "shared.txt", SHARED);
    TestRepos.write(repo, ".gitignore", "out/\n");
    TestRepos.git(repo, "init", "-q", "-b", "main");
    TestRepos.git(repo, "add", "-A");
    TestRepos.git(repo, "commit", "-q", "-m", "start");
  }

  /** An agent's turns: first its tool call, then, once the tool answered, its report. */
  private static Reply turn(Function<ModelRequest, ToolCall> tool) {
    return Reply.answer(
        req -> {
          if (req.messages().get(req.messages().size() - 1) instanceof Message.ToolResult) {
            return ModelResponse.text(Json.implemented("did " + req.taskId()), new TokenUsage(10, 5, 0, 0));
          }
          return new ModelResponse("", List.of(tool.apply(req)), new TokenUsage(10, 5, 0, 0));
        });
  }

  private static ToolCall write(String path, String content) {
    return new ToolCall("w-" + path, "write_file", Json.writeArgs(path, content));
  }

  /** Holds each agent's first call until both agents made one: the two tasks really run at once. */
  private static Function<ModelRequest, ToolCall> together(CountDownLatch both, Function<ModelRequest, ToolCall> then) {
    return req -> {
      both.countDown();
      try {
        both.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return then.apply(req);
    };
  }

  private Orchestrator.Builder builder(ScriptedModelProvider model) {
    return Orchestrator.builder()
        .workspace(repo)
        .modelProvider(model)
        .explorationProbes(List.of())
        .budgetPolicy(BudgetPolicy.fixed(2))
        .addListener(events);
  }

  private static String plan(Task... tasks) {
    return Json.plan(List.of(tasks), List.of(), List.of());
  }

  @Test
  void twoTasksEditingOneFileInDifferentPlacesBothLandAndTheCheckoutIsUntouched() throws Exception {
    Map<String, String> before = checkout();
    String indexBefore = sha(Files.readAllBytes(repo.resolve(".git/index")));
    ScriptedModelProvider model = new ScriptedModelProvider();
    // Both scopes name the shared file: in a shared tree they would never run together.
    model.on("orchestrator").reply(Reply.text(plan(
        Json.task("T1", "Change the first line", List.of("shared.txt"), List.of()),
        Json.task("T2", "Change the ninth line", List.of("shared.txt"), List.of()))));
    CountDownLatch both = new CountDownLatch(2);
    model.on("implementer", "T1").otherwise(turn(together(both, r -> write("shared.txt", SHARED.replace("alpha", "ALPHA")))));
    model.on("implementer", "T2").otherwise(turn(together(both, r -> write("shared.txt", SHARED.replace("omega", "OMEGA")))));
    RunResult result;
    try (Orchestrator o = builder(model).addGate(Gate.command("sh", "-c", "grep -q ALPHA shared.txt && grep -q OMEGA shared.txt").build()).build()) {
      result = o.run("Upper-case the first and the ninth line");
    }
    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    assertTrue(events.overlapped("T1", "T2"), "the two tasks ran at once");
    assertEquals(List.of(), events.of(OrchestraEvent.IntegrationConflicted.class));
    String branch = "orchestra/" + result.runId();
    assertEquals(SHARED.replace("alpha", "ALPHA").replace("omega", "OMEGA"), TestRepos.git(repo, "show", branch + ":shared.txt"));
    assertTrue(result.message().contains("merge it with git merge " + branch), result.message());
    assertTrue(result.next().stream().anyMatch(n -> n.contains("git merge " + branch)), result.next().toString());
    // The user's checkout is as it was, byte for byte, apart from plan.md and .orchestra/; so are
    // its branch and its index. Task branches and worktrees are gone.
    assertEquals(before, checkout());
    assertEquals(indexBefore, sha(Files.readAllBytes(repo.resolve(".git/index"))));
    assertEquals("main", TestRepos.git(repo, "symbolic-ref", "--short", "HEAD").strip());
    assertEquals(1, TestRepos.git(repo, "worktree", "list", "--porcelain").lines().filter(l -> l.startsWith("worktree ")).count());
    assertEquals("", TestRepos.git(repo, "branch", "--list", "orchestra-task/*"));
    assertEquals(2, mergesOf(branch).size(), mergesOf(branch).toString());
  }

  @Test
  void twoTasksEditingTheSameLinesConflictAndTheConflictBecomesWorkThatEndsGreen() throws Exception {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(plan(
        Json.task("T1", "Say hello on the first line", List.of("shared.txt"), List.of()),
        Json.task("T2", "Say bye on the first line", List.of("shared.txt"), List.of()))));
    CountDownLatch both = new CountDownLatch(2);
    // First attempts: both rewrite the first line. A second attempt (after a conflict) keeps both.
    Function<String, Function<ModelRequest, ToolCall>> attempt =
        word -> req -> req.lastUserText().contains("could not be merged")
            ? write("shared.txt", SHARED.replace("alpha", "hello bye"))
            : together(both, r -> write("shared.txt", SHARED.replace("alpha", word))).apply(req);
    model.on("implementer", "T1").otherwise(turn(attempt.apply("hello")));
    model.on("implementer", "T2").otherwise(turn(attempt.apply("bye")));
    RunResult result;
    try (Orchestrator o = builder(model).addGate(Gate.command("sh", "-c", "grep -q 'hello bye' shared.txt").build()).build()) {
      result = o.run("Say hello and bye");
    }
    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    List<OrchestraEvent.IntegrationConflicted> conflicts = events.of(OrchestraEvent.IntegrationConflicted.class);
    assertEquals(1, conflicts.size(), events.events().toString());
    OrchestraEvent.IntegrationConflicted c = conflicts.get(0);
    assertEquals(List.of("shared.txt"), c.files());
    assertTrue(c.detail().contains("<<<<<<<"), c.detail());
    // The task that lost the race ran again, with the conflict in its brief, on the integrated work.
    List<ModelRequest> redo = model.requests("implementer", c.taskId());
    assertTrue(redo.stream().anyMatch(r -> r.lastUserText().contains("could not be merged") && r.lastUserText().contains("<<<<<<<")));
    assertEquals(2, events.starts().get(c.taskId()));
    assertEquals(SHARED.replace("alpha", "hello bye"), TestRepos.git(repo, "show", "orchestra/" + result.runId() + ":shared.txt"));
    assertEquals(2, mergesOf("orchestra/" + result.runId()).size());
  }

  @Test
  void rebasedTheConflictIsRedoneToGreenAndTheHistoryIsLinear() throws Exception {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(plan(
        Json.task("T1", "Say hello on the first line", List.of("shared.txt"), List.of()),
        Json.task("T2", "Say bye on the first line", List.of("shared.txt"), List.of()))));
    CountDownLatch both = new CountDownLatch(2);
    Function<String, Function<ModelRequest, ToolCall>> attempt =
        word -> req -> req.lastUserText().contains("could not be merged")
            ? write("shared.txt", SHARED.replace("alpha", "hello bye"))
            : together(both, r -> write("shared.txt", SHARED.replace("alpha", word))).apply(req);
    model.on("implementer", "T1").otherwise(turn(attempt.apply("hello")));
    model.on("implementer", "T2").otherwise(turn(attempt.apply("bye")));
    Isolation rebase = Isolation.Worktrees.builder().integration(Isolation.Worktrees.Integration.REBASE).build();
    RunResult result;
    try (Orchestrator o = builder(model).isolation(rebase).addGate(Gate.command("sh", "-c", "grep -q 'hello bye' shared.txt").build()).build()) {
      result = o.run("Say hello and bye");
    }
    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    assertEquals(1, events.of(OrchestraEvent.IntegrationConflicted.class).size(), events.events().toString());
    String branch = "orchestra/" + result.runId();
    assertEquals(SHARED.replace("alpha", "hello bye"), TestRepos.git(repo, "show", branch + ":shared.txt"));
    assertEquals(List.of(), mergesOf(branch), "no merge commits");
    String main = TestRepos.git(repo, "rev-parse", "main").strip();
    List<String> subjects = TestRepos.git(repo, "log", "--format=%s", main + ".." + branch).lines().toList();
    assertEquals(2, subjects.size(), subjects.toString());
    assertTrue(subjects.stream().allMatch(sj -> sj.startsWith("T1: ") || sj.startsWith("T2: ")), "one commit a task: " + subjects);
    assertEquals("", TestRepos.git(repo, "branch", "--list", "orchestra-task/*"));
  }

  /** T1 writes hello and T2 bye on shared.txt's first line, both at once: one of them conflicts. */
  private static ScriptedModelProvider helloAndByeAtOnce() {
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(plan(
        Json.task("T1", "Say hello on the first line", List.of("shared.txt"), List.of()),
        Json.task("T2", "Say bye on the first line", List.of("shared.txt"), List.of()))));
    CountDownLatch both = new CountDownLatch(2);
    model.on("implementer", "T1").otherwise(turn(together(both, r -> write("shared.txt", SHARED.replace("alpha", "hello")))));
    model.on("implementer", "T2").otherwise(turn(together(both, r -> write("shared.txt", SHARED.replace("alpha", "bye")))));
    return model;
  }

  @Test
  void withResolvingTasksAConflictIsMergedByANewTaskGivenBothSidesAndTheRunEndsGreen() throws Exception {
    ScriptedModelProvider model = helloAndByeAtOnce();
    // Whichever task loses the race is resolved by a new task, which finds git's markers in the file.
    for (String resolver : List.of("T1-resolve", "T2-resolve")) {
      model.on("implementer", resolver).otherwise(turn(r -> write("shared.txt", SHARED.replace("alpha", "hello bye"))));
    }
    Isolation resolve = Isolation.Worktrees.builder().onConflict(Isolation.Worktrees.OnConflict.RESOLVE_TASK).build();
    RunResult result;
    try (Orchestrator o = builder(model).isolation(resolve).addGate(Gate.command("sh", "-c", "grep -q 'hello bye' shared.txt").build()).build()) {
      result = o.run("Say hello and bye");
    }
    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    List<OrchestraEvent.IntegrationConflicted> conflicts = events.of(OrchestraEvent.IntegrationConflicted.class);
    assertEquals(1, conflicts.size(), events.events().toString());
    String lost = conflicts.get(0).taskId();
    String resolver = lost + "-resolve";
    assertEquals(1, events.starts().get(lost), "the conflicted task is not redone");
    assertEquals(1, events.starts().get(resolver));
    ModelRequest brief = model.requests("implementer", resolver).get(0);
    assertTrue(brief.lastUserText().contains("conflict markers") && brief.lastUserText().contains("<<<<<<<"), brief.lastUserText());
    Plan plan = result.plan();
    assertEquals(TaskStatus.DONE, plan.task(lost).orElseThrow().status());
    assertEquals(TaskStatus.DONE, plan.task(resolver).orElseThrow().status());
    String branch = "orchestra/" + result.runId();
    assertEquals(SHARED.replace("alpha", "hello bye"), TestRepos.git(repo, "show", branch + ":shared.txt"));
    List<String> subjects = TestRepos.git(repo, "log", "--format=%s", branch).lines().toList();
    assertTrue(subjects.stream().anyMatch(sj -> sj.startsWith(lost + ": ")), "the conflicted task's own commit is in the history: " + subjects);
    assertTrue(subjects.stream().anyMatch(sj -> sj.startsWith(resolver + ": ")), subjects.toString());
    assertEquals("", TestRepos.git(repo, "branch", "--list", "orchestra-task/*"), "every task branch is gone, the conflicted one too");
  }

  @Test
  void aResolvingTaskThatLeavesConflictMarkersFailsAndNothingOfThemLands() throws Exception {
    ScriptedModelProvider model = helloAndByeAtOnce();
    for (String resolver : List.of("T1-resolve", "T2-resolve")) {
      // Writes a file of its own and leaves the markers where they are.
      model.on("implementer", resolver).otherwise(turn(r -> write("notes.txt", "looked at it\n")));
    }
    Isolation resolve = Isolation.Worktrees.builder().onConflict(Isolation.Worktrees.OnConflict.RESOLVE_TASK).build();
    RunResult result;
    try (Orchestrator o = builder(model).isolation(resolve).build()) {
      result = o.run("Say hello and bye");
    }
    assertEquals(StopReason.TASKS_FAILED, result.stopReason(), result.message());
    String lost = events.of(OrchestraEvent.IntegrationConflicted.class).get(0).taskId();
    Task resolver = result.plan().task(lost + "-resolve").orElseThrow();
    assertEquals(TaskStatus.FAILED, resolver.status());
    assertTrue(resolver.notes().contains("conflict markers remain in shared.txt"), resolver.notes());
    assertEquals(TaskStatus.FAILED, result.plan().task(lost).orElseThrow().status());
    String branch = "orchestra/" + result.runId();
    assertTrue(!TestRepos.git(repo, "show", branch + ":shared.txt").contains("<<<<<<<"), "no marker reached the integration branch");
    assertTrue(TestRepos.git(repo, "branch", "--list", "orchestra-task/*").contains("orchestra-task/" + result.runId() + "/" + lost),
        "the conflicted task's work stays on its branch");
  }

  @Test
  void aResolvingTaskThatAbandonsTheMergeFailsRatherThanDropTheConflictedWork() throws Exception {
    ScriptedModelProvider model = helloAndByeAtOnce();
    String abandon = "git merge --abort && echo 'hello bye' > shared.txt";
    String args = "{\"command\":[],\"shell\":" + Json.M.writeValueAsString(abandon) + ",\"cwd\":\"\",\"timeout_seconds\":60}";
    for (String resolver : List.of("T1-resolve", "T2-resolve")) {
      model.on("implementer", resolver).otherwise(turn(r -> new ToolCall("abort-" + resolver, "run_command", args)));
    }
    Isolation resolve = Isolation.Worktrees.builder().onConflict(Isolation.Worktrees.OnConflict.RESOLVE_TASK).build();
    RunResult result;
    try (Orchestrator o = builder(model).isolation(resolve).build()) {
      result = o.run("Say hello and bye");
    }
    assertEquals(StopReason.TASKS_FAILED, result.stopReason(), result.message());
    String lost = events.of(OrchestraEvent.IntegrationConflicted.class).get(0).taskId();
    Task resolver = result.plan().task(lost + "-resolve").orElseThrow();
    assertEquals(TaskStatus.FAILED, resolver.status(), resolver.notes());
    assertTrue(resolver.notes().contains("was not concluded"), resolver.notes());
    assertEquals(TaskStatus.FAILED, result.plan().task(lost).orElseThrow().status());
    assertTrue(TestRepos.git(repo, "branch", "--list", "orchestra-task/*").contains("orchestra-task/" + result.runId() + "/" + lost),
        "the conflicted task's work stays on its branch");
  }

  @Test
  void aConflictGitCannotMarkMustBeDecidedByTheResolvingTask() throws Exception {
    TestRepos.write(repo, "legacy.txt", "old\n");
    TestRepos.git(repo, "add", "-A");
    TestRepos.git(repo, "commit", "-q", "-m", "a file one task deletes and the other edits");
    ScriptedModelProvider model = new ScriptedModelProvider();
    model.on("orchestrator").reply(Reply.text(plan(
        Json.task("T1", "Delete legacy.txt", List.of("legacy.txt"), List.of()),
        Json.task("T2", "Update legacy.txt", List.of("legacy.txt"), List.of()))));
    CountDownLatch both = new CountDownLatch(2);
    String rm = "{\"command\":[],\"shell\":\"rm legacy.txt\",\"cwd\":\"\",\"timeout_seconds\":60}";
    model.on("implementer", "T1").otherwise(turn(together(both, r -> new ToolCall("rm", "run_command", rm))));
    model.on("implementer", "T2").otherwise(turn(together(both, r -> write("legacy.txt", "new\n"))));
    for (String resolver : List.of("T1-resolve", "T2-resolve")) {
      // Looks elsewhere and leaves legacy.txt as the merge left it: no marker there to find.
      model.on("implementer", resolver).otherwise(turn(r -> write("notes.txt", "looked at it\n")));
    }
    Isolation resolve = Isolation.Worktrees.builder().onConflict(Isolation.Worktrees.OnConflict.RESOLVE_TASK).build();
    RunResult result;
    try (Orchestrator o = builder(model).isolation(resolve).build()) {
      result = o.run("Retire legacy.txt, or update it");
    }
    assertEquals(StopReason.TASKS_FAILED, result.stopReason(), result.message());
    String lost = events.of(OrchestraEvent.IntegrationConflicted.class).get(0).taskId();
    Task resolver = result.plan().task(lost + "-resolve").orElseThrow();
    assertEquals(TaskStatus.FAILED, resolver.status(), resolver.notes());
    assertTrue(resolver.notes().contains("could not mark in legacy.txt"), resolver.notes());
    assertTrue(model.requests("implementer", lost + "-resolve").get(0).lastUserText().contains("Git could not put markers in legacy.txt"));
    assertEquals(TaskStatus.FAILED, result.plan().task(lost).orElseThrow().status());
  }

  @Test
  void twoBuildsWritingOneOutputFolderAtTheSameMomentDoNotDisturbEachOther() throws Exception {
    Path rendezvous = Files.createTempDirectory("orchestra-rendezvous");
    try {
      ScriptedModelProvider model = new ScriptedModelProvider();
      model.on("orchestrator").reply(Reply.text(plan(
          Json.task("T1", "Build and record T1's output", List.of(), List.of()),
          Json.task("T2", "Build and record T2's output", List.of(), List.of()))));
      for (String id : List.of("T1", "T2")) {
        String other = id.equals("T1") ? "T2" : "T1";
        // Each "build" writes out/result.txt, waits until the other build wrote its own, then
        // reads its output back: in one shared tree, one of them would read the other's.
        String build =
            "mkdir -p out && echo " + id + " > out/result.txt && touch '" + rendezvous.resolve(id) + "'"
                + " && i=0; while [ ! -f '" + rendezvous.resolve(other) + "' ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done;"
                + " sleep 0.2; cat out/result.txt > seen-" + id + ".txt";
        String args = "{\"command\":[],\"shell\":" + Json.M.writeValueAsString(build) + ",\"cwd\":\"\",\"timeout_seconds\":60}";
        model.on("implementer", id).otherwise(turn(r -> new ToolCall("b-" + id, "run_command", args)));
      }
      RunResult result;
      try (Orchestrator o = builder(model).addGate(Gate.command("sh", "-c", "test \"$(cat seen-T1.txt)\" = T1 && test \"$(cat seen-T2.txt)\" = T2").build()).build()) {
        result = o.run("Build twice");
      }
      assertEquals(StopReason.GREEN, result.stopReason(), result.message() + "\n" + events.events().stream()
          .filter(e -> !(e instanceof OrchestraEvent.ModelCallFinished)).map(Object::toString).collect(java.util.stream.Collectors.joining("\n")));
      assertTrue(events.overlapped("T1", "T2"));
      String branch = "orchestra/" + result.runId();
      assertEquals("T1\n", TestRepos.git(repo, "show", branch + ":seen-T1.txt"));
      assertEquals("T2\n", TestRepos.git(repo, "show", branch + ":seen-T2.txt"));
      // The build outputs are ignored by the repository, so no commit carries them.
      assertTrue(TestRepos.git(repo, "ls-tree", "-r", "--name-only", branch).lines().noneMatch(l -> l.startsWith("out/")));
    } finally {
      try (Stream<Path> files = Files.walk(rendezvous)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aKillBetweenCommitAndIntegrationThenResumeIntegratesExactlyOnce() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), WorktreeKillableRun.class.getName(), repo.toString())
            .redirectErrorStream(true)
            .start();
    String committed = null;
    try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      String line;
      StringBuilder log = new StringBuilder();
      while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
        log.append(line).append('\n');
        if (line.startsWith(WorktreeKillableRun.COMMITTED)) {
          committed = line.substring(WorktreeKillableRun.COMMITTED.length()).strip();
          break;
        }
      }
      assertTrue(committed != null, "the child never committed T2: " + log);
      child.destroyForcibly(); // SIGKILL: T2's work is committed, its end and its merge are not
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
    }
    String journal = Files.readString(repo.resolve(".orchestra/journal.jsonl"));
    assertTrue(journal.contains("\"type\":\"task_committed\"") && journal.contains(committed), "T2's commit is journalled");
    String runBranch = TestRepos.git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/orchestra/").strip();
    assertEquals(1, mergesOf(runBranch).size(), "T1 only was integrated before the kill");

    // The resumed run has no reply for T2's agent: T2 must not run again.
    ScriptedModelProvider model = new ScriptedModelProvider();
    RunResult result;
    try (Orchestrator o = builder(model).build()) {
      result = o.resume();
    }
    assertEquals(StopReason.GREEN, result.stopReason(), result.message());
    assertEquals(List.of(), model.requests("implementer"));
    assertEquals(List.of("Integrate T1: Write a.txt", "Integrate T2: Write b.txt"), mergesOf(runBranch));
    assertEquals("T2\n", TestRepos.git(repo, "show", runBranch + ":b.txt"));
    assertEquals(1, TestRepos.git(repo, "worktree", "list", "--porcelain").lines().filter(l -> l.startsWith("worktree ")).count());
  }

  /** The merge commits on a branch, oldest first, by subject. */
  private List<String> mergesOf(String branch) throws IOException, InterruptedException {
    return TestRepos.git(repo, "log", "--merges", "--reverse", "--format=%s", branch).lines().toList();
  }

  /** Every file of the user's checkout but plan.md, .orchestra/ and .git/, with its content's hash. */
  private Map<String, String> checkout() throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(repo)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String rel = repo.relativize(p).toString();
        if (!rel.equals("plan.md") && !rel.startsWith(".orchestra") && !rel.startsWith(".git/")) {
          files.put(rel, sha(Files.readAllBytes(p)));
        }
      }
    }
    return files;
  }

  private static String sha(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
