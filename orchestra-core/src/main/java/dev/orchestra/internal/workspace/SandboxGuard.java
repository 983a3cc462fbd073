package dev.orchestra.internal.workspace;

import dev.orchestra.internal.workspace.SandboxDecision.Action;
import dev.orchestra.internal.workspace.WorkspaceToolBox.Approver;
import dev.orchestra.internal.workspace.WorkspaceToolBox.ToolError;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.SandboxMode;

/** One role's {@link SandboxDecision} carried out: the verdict for an action, and the question where it says ask. */
final class SandboxGuard {
  private final SandboxMode mode;
  private final ApprovalPolicy policy;
  private final boolean networkAccess;
  private final Approver approver;

  SandboxGuard(SandboxMode mode, ApprovalPolicy policy, boolean networkAccess, Approver approver) {
    this.mode = mode;
    this.policy = policy;
    this.networkAccess = networkAccess;
    this.approver = approver;
  }

  /** Whether this sandbox lets commands reach the network. */
  boolean grantsNetwork() {
    return SandboxDecision.grantsNetwork(mode, networkAccess);
  }

  SandboxMode mode() {
    return mode;
  }

  ApprovalPolicy policy() {
    return policy;
  }

  /** Whether the action is refused outright, whatever anyone would answer. */
  boolean refuses(Action action) {
    return SandboxDecision.decide(mode, policy, networkAccess, action) == SandboxDecision.Verdict.DENY;
  }

  /**
   * Lets the action go ahead, or throws: {@code refusal} when the decision is to deny, a denial
   * naming who decided when the approver, asked with {@code askReason}, says no.
   *
   * @param tool the tool, as the approver and the journal name it
   * @param detail what exactly: the path or the command line
   */
  void enforce(Action action, String tool, String detail, String askReason, String refusal) throws ToolError {
    switch (SandboxDecision.decide(mode, policy, networkAccess, action)) {
      case ALLOW -> { }
      case DENY -> throw new ToolError(refusal);
      case ASK -> {
        ApprovalHandler.Decision d = approver.ask(tool, detail, askReason);
        if (!d.approved()) {
          throw new ToolError(
              tool + " " + detail + " was denied by " + d.decidedBy() + (d.reason().isEmpty() ? "" : ": " + d.reason()));
        }
      }
    }
  }
}
