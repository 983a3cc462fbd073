package dev.orchestra.internal.workspace;

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

import dev.orchestra.internal.workspace.SandboxDecision.Action;
import dev.orchestra.internal.workspace.SandboxDecision.Verdict;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.SandboxMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sandbox mode under every approval policy, for every kind of action: what the tools do. */
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

          new Line(WORKSPACE_WRITE,    READ,                ALLOW,    ALLOW,     ALLOW,     ALLOW),
          new Line(WORKSPACE_WRITE,    READ_OUTSIDE,        DENY,     DENY,      DENY,      DENY),
          new Line(WORKSPACE_WRITE,    WRITE_IN_SCOPE,      ASK,      ALLOW,     ALLOW,     ALLOW),
          new Line(WORKSPACE_WRITE,    WRITE_OUT_OF_SCOPE,  DENY,     DENY,      DENY,      DENY),
          new Line(WORKSPACE_WRITE,    WRITE_WRITABLE_ROOT, ASK,      ALLOW,     ALLOW,     ALLOW),
          new Line(WORKSPACE_WRITE,    WRITE_OUTSIDE,       DENY,     DENY,      DENY,      DENY),
          new Line(WORKSPACE_WRITE,    WRITE_GIT_FOLDER,    DENY,     DENY,      DENY,      DENY),
          new Line(WORKSPACE_WRITE,    READ_ONLY_COMMAND,   ALLOW,    ALLOW,     ALLOW,     ALLOW),
          new Line(WORKSPACE_WRITE,    OTHER_COMMAND,       ASK,      ALLOW,     ALLOW,     ALLOW),

          new Line(DANGER_FULL_ACCESS, READ,                ALLOW,    ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, READ_OUTSIDE,        ALLOW,    ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, WRITE_IN_SCOPE,      ASK,      ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, WRITE_OUT_OF_SCOPE,  DENY,     DENY,      DENY,      DENY),
          new Line(DANGER_FULL_ACCESS, WRITE_WRITABLE_ROOT, ASK,      ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, WRITE_OUTSIDE,       ASK,      ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, WRITE_GIT_FOLDER,    DENY,     DENY,      DENY,      DENY),
          new Line(DANGER_FULL_ACCESS, READ_ONLY_COMMAND,   ALLOW,    ALLOW,     ALLOW,     ALLOW),
          new Line(DANGER_FULL_ACCESS, OTHER_COMMAND,       ASK,      ALLOW,     ALLOW,     ALLOW));

  /**
   * The table, one case per cell: sandbox mode, approval policy, action, expected verdict. Also
   * the cases of the end-to-end matrix in {@code WorkspaceToolsTest}.
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
    assertEquals(expected, SandboxDecision.decide(mode, policy, action));
  }
}
