package dev.orchestra.internal.workspace;

import static dev.orchestra.internal.workspace.SandboxDecision.Action.NETWORK_COMMAND;
import static dev.orchestra.internal.workspace.SandboxDecision.Action.OTHER_COMMAND;
import static dev.orchestra.internal.workspace.SandboxDecision.Action.READ;
import static dev.orchestra.internal.workspace.SandboxDecision.Action.READ_ONLY_COMMAND;
import static dev.orchestra.internal.workspace.SandboxDecision.Action.READ_OUTSIDE;
import static dev.orchestra.internal.workspace.SandboxDecision.Action.WRITE_GIT_FOLDER;
import static dev.orchestra.internal.workspace.SandboxDecision.Action.WRITE_IN_SCOPE;
import static dev.orchestra.internal.workspace.SandboxDecision.Action.WRITE_OUTSIDE;
import static dev.orchestra.internal.workspace.SandboxDecision.Action.WRITE_OUT_OF_SCOPE;
import static dev.orchestra.internal.workspace.SandboxDecision.Action.WRITE_WRITABLE_ROOT;
import static dev.orchestra.internal.workspace.SandboxDecision.Verdict.ALLOW;
import static dev.orchestra.internal.workspace.SandboxDecision.Verdict.ASK;
import static dev.orchestra.internal.workspace.SandboxDecision.Verdict.DENY;
import static dev.orchestra.role.SandboxMode.DANGER_FULL_ACCESS;
import static dev.orchestra.role.SandboxMode.READ_ONLY;
import static dev.orchestra.role.SandboxMode.WORKSPACE_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orchestra.Json;
import dev.orchestra.TestRepos;
import dev.orchestra.agent.ToolBox;
import dev.orchestra.internal.workspace.SandboxDecision.Action;
import dev.orchestra.internal.workspace.SandboxDecision.Verdict;
import dev.orchestra.model.Message;
import dev.orchestra.model.ToolCall;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.role.SandboxMode;
import dev.orchestra.internal.io.CommandEnvironment;
import dev.orchestra.role.ShellEnvironmentPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sandbox mode under every approval policy, for every kind of action: first the decision as
 * a table, then the same table carried out by real tool calls on real files and processes.
 */
final class SandboxDecisionTest {
  /** One line of the table: a mode and an action, with the verdict under each policy, in the order of {@link #COLUMNS}. */
  private record Line(SandboxMode mode, Action action, Verdict untrusted, Verdict onRequest, Verdict onFailure, Verdict never) {
    Verdict under(ApprovalPolicy policy) {
      return List.of(untrusted, onRequest, onFailure, never).get(COLUMNS.indexOf(policy));
    }
  }

  private static final List<ApprovalPolicy> COLUMNS =
      List.of(ApprovalPolicy.UNTRUSTED, ApprovalPolicy.ON_REQUEST, ApprovalPolicy.ON_FAILURE, ApprovalPolicy.NEVER);

  private static final List<Line> TABLE =
      List.of(
          //       mode                action               untrusted on-request on-failure never
          new Line(READ_ONLY,          READ,                ALLOW,    ALLOW,     ALLOW,     ALLOW),
          new Line(READ_ONLY,          READ_OUTSIDE,        DENY,     DENY,      DENY,      DENY),
          new Line(READ_ONLY,          WRITE_IN_SCOPE,      DENY,     DENY,      DENY,      DENY),
          new Line(READ_ONLY,          WRITE_OUT_OF_SCOPE,  DENY,     DENY,      DENY,      DENY),
          new Line(READ_ONLY,          WRITE_WRITABLE_ROOT, DENY,     DENY,      DENY,      DENY),
          new Line(READ_ONLY,          WRITE_OUTSIDE,       DENY,     DENY,      DENY,      DENY),
          new Line(READ_ONLY,          WRITE_GIT_FOLDER,    DENY,     DENY,      DENY,      DENY),
          new Line(READ_ONLY,          READ_ONLY_COMMAND,   ALLOW,    ALLOW,     ALLOW,     ALLOW),
          new Line(READ_ONLY,          OTHER_COMMAND,       ASK,      ASK,       ASK,       DENY),
          new Line(READ_ONLY,          NETWORK_COMMAND,     ASK,      ASK,       ASK,       DENY),

          new Line(WORKSPACE_WRITE,    READ,                ALLOW,    ALLOW,     ALLOW,     ALLOW),
          new Line(WORKSPACE_WRITE,    READ_OUTSIDE,        DENY,     DENY,      DENY,      DENY),
          new Line(WORKSPACE_WRITE,    WRITE_IN_SCOPE,      ASK,      ALLOW,     ALLOW,     ALLOW),
          new Line(WORKSPACE_WRITE,    WRITE_OUT_OF_SCOPE,  DENY,     DENY,      DENY,      DENY),
          new Line(WORKSPACE_WRITE,    WRITE_WRITABLE_ROOT, ASK,      ALLOW,     ALLOW,     ALLOW),
          new Line(WORKSPACE_WRITE,    WRITE_OUTSIDE,       DENY,     DENY,      DENY,      DENY),
          new Line(WORKSPACE_WRITE,    WRITE_GIT_FOLDER,    DENY,     DENY,      DENY,      DENY),
          new Line(WORKSPACE_WRITE,    READ_ONLY_COMMAND,   ALLOW,    ALLOW,     ALLOW,     ALLOW),
          new Line(WORKSPACE_WRITE,    OTHER_COMMAND,       ASK,      ALLOW,     ALLOW,     ALLOW),
          new Line(WORKSPACE_WRITE,    NETWORK_COMMAND,     ASK,      ASK,       ASK,       DENY),

          new Line(DANGER_FULL_ACCESS, READ,                ALLOW,    ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, READ_OUTSIDE,        ALLOW,    ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, WRITE_IN_SCOPE,      ASK,      ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, WRITE_OUT_OF_SCOPE,  DENY,     DENY,      DENY,      DENY),
          new Line(DANGER_FULL_ACCESS, WRITE_WRITABLE_ROOT, ASK,      ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, WRITE_OUTSIDE,       ASK,      ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, WRITE_GIT_FOLDER,    DENY,     DENY,      DENY,      DENY),
          new Line(DANGER_FULL_ACCESS, READ_ONLY_COMMAND,   ALLOW,    ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, OTHER_COMMAND,       ASK,      ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, NETWORK_COMMAND,     ASK,      ALLOW,     ALLOW,     ALLOW));

  /**
   * The table, one case per cell: sandbox mode, approval policy, action, expected verdict. The
   * table holds for Codex's default of {@code network_access = false};
   * {@link #networkAccessChangesOnlyWhatAWorkspaceWriteSandboxDoesWithNetworkCommands} says what
   * {@code true} changes.
   */
  static Stream<Arguments> matrix() {
    List<Arguments> cells = new ArrayList<>();
    Set<List<Object>> seen = new HashSet<>();
    for (Line line : TABLE) {
      for (ApprovalPolicy policy : COLUMNS) {
        cells.add(Arguments.of(line.mode(), policy, line.action(), line.under(policy)));
        seen.add(List.of(line.mode(), policy, line.action()));
      }
    }
    int all = SandboxMode.values().length * ApprovalPolicy.values().length * Action.values().length;
    assertEquals(all, cells.size(), "one case per combination of mode, policy and action");
    assertEquals(all, seen.size(), "no combination twice, so none missing");
    return cells.stream();
  }

  @ParameterizedTest(name = "{0} / {1} / {2} -> {3}")
  @MethodSource("matrix")
  void decides(SandboxMode mode, ApprovalPolicy policy, Action action, Verdict expected) {
    assertEquals(expected, SandboxDecision.decide(mode, policy, false, action));
  }

  @ParameterizedTest(name = "{0} / {1} / {2}")
  @MethodSource("matrix")
  void networkAccessChangesOnlyWhatAWorkspaceWriteSandboxDoesWithNetworkCommands(
      SandboxMode mode, ApprovalPolicy policy, Action action, Verdict withoutNetwork) {
    Verdict expected =
        mode == WORKSPACE_WRITE && action == NETWORK_COMMAND ? SandboxDecision.decide(mode, policy, false, OTHER_COMMAND) : withoutNetwork;
    assertEquals(expected, SandboxDecision.decide(mode, policy, true, action));
  }

  /** The same table carried out by the tools, one real call per cell and kind of call. */
  @Nested
  final class CarriedOutByTheTools {
    @TempDir Path tmp;
    Path root;
    final List<String> asked = new ArrayList<>();
    ApprovalHandler.Decision answer = ApprovalHandler.Decision.approve("tester");

    @BeforeEach
    void setUp() throws IOException {
      root = Files.createDirectories(tmp.resolve("ws"));
      TestRepos.write(root, "src/Main.java", "class Main {\n  // TODO: greet\n  void run() {}\n}\n");
      TestRepos.write(root, "notes.txt", "line 1\nline 2\nline 3\n");
      Files.writeString(tmp.resolve("outside.txt"), "outside\n");
      Files.createDirectories(tmp.resolve("extra"));
    }

    /** A tool box for the implementer in this mode under this policy, writing {@code a.txt} and {@code notes.txt}, with {@code extra} as a writable root. */
    private ToolBox box(SandboxMode mode, ApprovalPolicy policy) {
      return box(mode, policy, false);
    }

    /** The same, with {@code [sandbox_workspace_write] network_access} as given. */
    private ToolBox box(SandboxMode mode, ApprovalPolicy policy, boolean networkAccess) {
      WorkspaceToolBox.Settings settings =
          new WorkspaceToolBox.Settings(
              CommandEnvironment.of(ShellEnvironmentPolicy.defaults(), Map.of("PATH", System.getenv("PATH"))), Duration.ofSeconds(20), WorkspaceToolBox.MAX_OUTPUT_CHARS,
              List.of(tmp.resolve("extra")), networkAccess, List.of(),
              (action, detail, reason) -> {
                asked.add(action + " " + detail);
                return answer;
              });
      Role role = BuiltInRoles.get("implementer").toBuilder().sandboxMode(mode).approvalPolicy(policy).build();
      return new WorkspaceToolBox(root, WorkspaceToolBox.realPath(root), role, List.of("a.txt", "notes.txt"), (t, p, ok, a) -> {}, settings);
    }

    private static Message.ToolResult call(ToolBox box, String tool, String args) {
      return box.execute(new ToolCall("c", tool, args));
    }

    /** What the orchestrator hands the tool box when its approval handler does not answer in time. */
    private static final ApprovalHandler.Decision TIMED_OUT = ApprovalHandler.Decision.deny("timeout", "no answer within 5 minutes");

    /**
     * One real call of a kind of action: the approval {@code question} it raises where the decision
     * is to ask, its {@code output} where it goes ahead, and its {@code refusal} (the error after
     * "error: ") where it is denied. {@code <tmp>} stands for the test's folder: the workspace is its
     * {@code ws}, the writable root its {@code extra}. {@code file} (under {@code <tmp>}) holds
     * {@code content} once the call has done its work, and not before; null for a call that leaves
     * nothing on disk.
     */
    private record Probe(
        String name, Action action, String tool, String args, String question, String output, String refusal, String file, String content) {
      @Override
      public String toString() {
        return name;
      }
    }

    private static final String NETWORK_LINE = "curl --version > /dev/null 2>&1; echo fetched > net.txt";
    private static final String NETWORK_LINE_REFUSED =
        "'" + NETWORK_LINE + "' reaches the network, and this role's sandbox gives no network access (danger-full-access does, and"
            + " workspace-write with [sandbox_workspace_write] network_access = true); the approval policy 'never' does not ask";

    private static final List<Probe> PROBES =
        List.of(
            new Probe("read a file", Action.READ, "read_file", "{\"path\":\"notes.txt\"}", null, "line 1\nline 2\nline 3\n", null, null, null),
            new Probe("read ../", Action.READ_OUTSIDE, "read_file", "{\"path\":\"../outside.txt\"}", null, "outside\n",
                "path '../outside.txt' leads outside the workspace", null, null),
            new Probe("read an absolute path", Action.READ_OUTSIDE, "read_file", "{\"path\":\"<tmp>/outside.txt\"}", null, "outside\n",
                "absolute paths are not allowed: '<tmp>/outside.txt'; use a path relative to the workspace", null, null),
            new Probe("run in ../", Action.READ_OUTSIDE, "run_command", "{\"command\":[\"ls\"],\"shell\":\"\",\"cwd\":\"..\",\"timeout_seconds\":0}", null,
                "exit code 0\nextra\noutside.txt\nws\n", "path '..' leads outside the workspace", null, null),
            new Probe("write in scope", Action.WRITE_IN_SCOPE, "write_file", "{\"path\":\"a.txt\",\"content\":\"x\"}", "write_file a.txt",
                "wrote 1 bytes to a.txt", null, "ws/a.txt", "x"),
            new Probe("patch in scope", Action.WRITE_IN_SCOPE, "apply_patch",
                Json.M.createObjectNode().put("patch", "--- a/notes.txt\n+++ b/notes.txt\n@@ -2 +2 @@\n-line 2\n+LINE TWO\n").toString(),
                "apply_patch notes.txt", "patched notes.txt", null, "ws/notes.txt", "line 1\nLINE TWO\nline 3\n"),
            new Probe("write out of scope", Action.WRITE_OUT_OF_SCOPE, "write_file", "{\"path\":\"src/Main.java\",\"content\":\"x\"}", null, null,
                "'src/Main.java' is outside this task's write scope (a.txt, notes.txt)", "ws/src/Main.java", "x"),
            new Probe("write in a writable root", Action.WRITE_WRITABLE_ROOT, "write_file", "{\"path\":\"<tmp>/extra/w.txt\",\"content\":\"x\"}",
                "write_file <tmp>/extra/w.txt", "wrote 1 bytes to <tmp>/extra/w.txt", null, "extra/w.txt", "x"),
            new Probe("write an absolute path outside", Action.WRITE_OUTSIDE, "write_file", "{\"path\":\"<tmp>/outside.txt\",\"content\":\"x\"}",
                "write_file <tmp>/outside.txt", "wrote 1 bytes to <tmp>/outside.txt",
                "absolute paths are not allowed: '<tmp>/outside.txt'; use a path relative to the workspace", "outside.txt", "x"),
            new Probe("write ../", Action.WRITE_OUTSIDE, "write_file", "{\"path\":\"../escape.txt\",\"content\":\"x\"}",
                "write_file <tmp>/escape.txt", "wrote 1 bytes to <tmp>/escape.txt", "path '../escape.txt' leads outside the workspace", "escape.txt", "x"),
            new Probe("write into .git", Action.WRITE_GIT_FOLDER, "write_file", "{\"path\":\".git/config\",\"content\":\"x\"}", null, null,
                "'.git/config' is inside a .git folder, which agents do not write", "ws/.git/config", "x"),
            new Probe("run cat", Action.READ_ONLY_COMMAND, "run_command", "{\"command\":[\"cat\",\"notes.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}",
                null, "exit code 0\nline 1\nline 2\nline 3\n", null, null, null),
            new Probe("run touch", Action.OTHER_COMMAND, "run_command", "{\"command\":[\"touch\",\"made.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}",
                "run_command touch made.txt", "exit code 0\n", refusedUnderNever("touch made.txt"), "ws/made.txt", ""),
            new Probe("run a shell line that writes", Action.OTHER_COMMAND, "run_command", "{\"command\":[],\"shell\":\"echo hi > shell.txt\",\"cwd\":\"\",\"timeout_seconds\":0}",
                "run_command echo hi > shell.txt", "exit code 0\n", refusedUnderNever("echo hi > shell.txt"), "ws/shell.txt", "hi\n"),
            // A shell line cannot be checked, so even one that only reads is not a read-only command.
            new Probe("run a shell line that reads", Action.OTHER_COMMAND, "run_command", "{\"command\":[],\"shell\":\"cat notes.txt\",\"cwd\":\"\",\"timeout_seconds\":0}",
                "run_command cat notes.txt", "exit code 0\nline 1\nline 2\nline 3\n", refusedUnderNever("cat notes.txt"), null, null),
            // Known to reach the network by its first word; curl --version itself stays offline.
            new Probe("run a network fetch", Action.NETWORK_COMMAND, "run_command",
                "{\"command\":[],\"shell\":\"curl --version > /dev/null 2>&1; echo fetched > net.txt\",\"cwd\":\"\",\"timeout_seconds\":0}",
                "run_command " + NETWORK_LINE, "exit code 0\n", NETWORK_LINE_REFUSED, "ws/net.txt", "fetched\n"));


    private static String refusedUnderNever(String command) {
      return "the read-only sandbox runs only read-only commands (ls, cat, grep, git status/log/diff, ...); '" + command
          + "' is not one, and the approval policy 'never' does not ask";
    }

    /** Each cell of the table, with each probe of its kind of action. */
    static Stream<Arguments> sandboxCells() {
      assertEquals(Set.of(Action.values()), PROBES.stream().map(Probe::action).collect(Collectors.toSet()), "a probe for every kind of action");
      return matrix()
          .map(Arguments::get)
          .flatMap(cell -> PROBES.stream().filter(p -> p.action() == cell[2]).map(p -> Arguments.of(cell[0], cell[1], cell[3], p)));
    }

    @ParameterizedTest(name = "{0} / {1}: {3} -> {2}")
    @MethodSource("sandboxCells")
    void theToolsDoWhatTheSandboxDecides(SandboxMode mode, ApprovalPolicy policy, Verdict verdict, Probe probe) throws IOException {
      ToolBox box = box(mode, policy);
      assertEquals(mode.allowsWrites(), box.specs().stream().anyMatch(s -> s.name().equals("write_file")));
      assertEquals(mode.allowsWrites(), box.specs().stream().anyMatch(s -> s.name().equals("apply_patch")));
      String args = probe.args().replace("<tmp>", tmp.toString());
      switch (verdict) {
        case ALLOW -> {
          answer = ApprovalHandler.Decision.deny("tester", "asked when nothing needed asking");
          Message.ToolResult r = call(box, probe.tool(), args);
          assertEquals(probe.output().replace("<tmp>", tmp.toString()), r.output());
          assertFalse(r.error());
          assertTrue(wrote(probe), "the call did its work");
          assertTrue(asked.isEmpty(), asked.toString());
        }
        case DENY -> {
          answer = ApprovalHandler.Decision.approve("tester"); // would allow anything, were it asked
          Message.ToolResult r = call(box, probe.tool(), args);
          assertTrue(r.error(), r.output());
          boolean writingTool = probe.tool().equals("write_file") || probe.tool().equals("apply_patch");
          String refusal =
              writingTool && !mode.allowsWrites()
                  ? "tool '" + probe.tool() + "' is not available to this role; available: read_file, list_dir, search, run_command"
                  : probe.refusal().replace("<tmp>", tmp.toString());
          assertEquals("error: " + refusal, r.output());
          assertFalse(probe.file() != null && wrote(probe), "nothing was written");
          assertTrue(box.changedFiles().isEmpty());
          assertTrue(asked.isEmpty(), "no policy turns a refusal into a question: " + asked);
        }
        case ASK -> {
          String question = probe.question().replace("<tmp>", tmp.toString());
          answer = ApprovalHandler.Decision.deny("tester", "not today");
          assertEquals("error: " + question + " was denied by tester: not today", call(box, probe.tool(), args).output());
          answer = TIMED_OUT;
          Message.ToolResult timedOut = call(box, probe.tool(), args);
          assertTrue(timedOut.error(), "no answer counts as a denial");
          assertEquals("error: " + question + " was denied by timeout: no answer within 5 minutes", timedOut.output());
          assertFalse(probe.file() != null && wrote(probe), "nothing was written");
          assertTrue(box.changedFiles().isEmpty());
          answer = ApprovalHandler.Decision.approve("tester");
          Message.ToolResult approved = call(box, probe.tool(), args);
          assertEquals(probe.output().replace("<tmp>", tmp.toString()), approved.output());
          assertFalse(approved.error());
          assertTrue(wrote(probe), "the call did its work once approved");
          assertEquals(List.of(question, question, question), asked);
        }
      }
    }

    /** Whether the probe's file holds what the call writes; always true for a call that writes nothing. */
    private boolean wrote(Probe probe) throws IOException {
      if (probe.file() == null) {
        return true;
      }
      Path file = tmp.resolve(probe.file());
      return Files.exists(file) && Files.readString(file).equals(probe.content());
    }

    static Stream<Arguments> modesWithAndWithoutNetworkAccess() {
      return Stream.of(SandboxMode.values()).flatMap(m -> Stream.of(Arguments.of(m, false), Arguments.of(m, true)));
    }

    @ParameterizedTest(name = "{0}, network_access = {1}")
    @MethodSource("modesWithAndWithoutNetworkAccess")
    void aCommandIsToldWhenItsSandboxHasNoNetworkAndANetworkCommandIsRefusedThere(SandboxMode mode, boolean networkAccess) throws IOException {
      ToolBox box = box(mode, ApprovalPolicy.NEVER, networkAccess);
      boolean network = mode == DANGER_FULL_ACCESS || (mode == WORKSPACE_WRITE && networkAccess);
      if (mode != READ_ONLY) { // read-only under never runs no command that is not on its list
        Message.ToolResult env = call(box, "run_command", "{\"command\":[\"sh\",\"-c\",\"env\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}");
        assertEquals(!network, env.output().lines().anyMatch(l -> l.equals("CODEX_SANDBOX_NETWORK_DISABLED=1")), env.output());
      }
      Message.ToolResult fetch = call(box, "run_command", "{\"command\":[],\"shell\":\"" + NETWORK_LINE + "\",\"cwd\":\"\",\"timeout_seconds\":0}");
      assertEquals(network ? "exit code 0\n" : "error: " + NETWORK_LINE_REFUSED, fetch.output());
      assertEquals(network, Files.exists(root.resolve("net.txt")));
      assertTrue(asked.isEmpty(), asked.toString());
    }

    @ParameterizedTest
    @EnumSource(SandboxMode.class)
    void aFailedCommandIsNeverTurnedIntoAQuestion(SandboxMode mode) {
      // Orchestra cannot run a command in a sandbox and retry it outside on failure (Codex's
      // on-failure): it asks up front, exactly where on-request asks, and reports a failure as it is.
      ToolBox box = box(mode, ApprovalPolicy.ON_FAILURE);
      answer = ApprovalHandler.Decision.approve("tester"); // would allow anything, were it asked
      assertTrue(call(box, "run_command", "{\"command\":[\"cat\",\"missing.txt\"],\"shell\":\"\",\"cwd\":\"\",\"timeout_seconds\":0}").output().startsWith("exit code 1\n"));
      if (mode.allowsWrites()) {
        Message.ToolResult shell = call(box, "run_command", "{\"command\":[],\"shell\":\"echo hi > b.txt; exit 4\",\"cwd\":\"\",\"timeout_seconds\":0}");
        assertTrue(shell.output().startsWith("exit code 4\n"), shell.output());
        assertTrue(Files.exists(root.resolve("b.txt")));
      }
      assertTrue(asked.isEmpty(), asked.toString());
    }
  }
}
