package dev.orchestra.internal.workspace;

import dev.orchestra.role.ApprovalPolicy;
import dev.orchestra.role.SandboxMode;

/**
 * The one place that decides whether an agent's action goes ahead, needs a person's approval, or
 * is refused, from the role's sandbox mode and approval policy. Pure: the tools find out what
 * kind of action a call is (where a path leads, whether a command is on the read-only list) and
 * act on the verdict; asking is theirs too.
 *
 * <p>The rules, which {@code SandboxDecisionTest} states cell by cell:
 *
 * <ul>
 *   <li>Reading inside the workspace and running a read-only command are always allowed. Reading
 *       outside it is allowed only with full access.
 *   <li>Writing: never in a read-only sandbox; in the workspace (inside the task's write scope) and
 *       in a configured writable root otherwise; anywhere else only with full access. The write
 *       scope (the scheduler's promise that parallel writers never collide) and the repository's
 *       {@code .git} folder hold in every mode.
 *   <li>Any other command (shell lines included, as they cannot be checked): the read-only sandbox
 *       asks for it, or refuses it under {@code never}; the writing sandboxes run it.
 *   <li>A command known to reach the network ({@link NetworkCommands}) where the sandbox gives no
 *       network access (read-only always; workspace-write unless {@code [sandbox_workspace_write]
 *       network_access = true}, Codex's default being false): asked for, or refused under {@code
 *       never}. Where the sandbox gives network access it is any other command.
 *   <li>{@code untrusted} turns every allowed write and every allowed command that is not known
 *       to be read-only into a question. {@code on-request} and {@code on-failure} ask only where
 *       the read-only sandbox would refuse a command (Orchestra cannot retry a failed command
 *       outside a sandbox, so on-failure asks up front too). {@code never} never asks. No policy
 *       turns a refusal of a path into a question.
 * </ul>
 *
 * <p>A sandbox here limits what the tools do and which commands start, not what a started program
 * does: a child process runs with the JVM's own rights (see {@link SandboxMode}), network included.
 * Without network access a command is told so the way Codex tells it, by {@code
 * CODEX_SANDBOX_NETWORK_DISABLED=1} in its environment, and a test suite that honours the variable
 * skips its network tests; a program that ignores it still reaches the network.
 */
final class SandboxDecision {
  /** What to do about an action. */
  enum Verdict {
    ALLOW,
    ASK,
    DENY
  }

  /** The kinds of action the tools tell apart. */
  enum Action {
    /** Read, list or search inside the workspace. */
    READ,
    /** Read, list, search or start a command in a folder outside the workspace (or by absolute path). */
    READ_OUTSIDE,
    /** Write or patch a file inside the workspace and the task's write scope. */
    WRITE_IN_SCOPE,
    /** Write or patch a file inside the workspace but outside the task's write scope. */
    WRITE_OUT_OF_SCOPE,
    /** Write or patch a file under a configured writable root outside the workspace. */
    WRITE_WRITABLE_ROOT,
    /** Write or patch a file outside the workspace and every writable root. */
    WRITE_OUTSIDE,
    /** Write or patch a file inside a {@code .git} folder, where a repository names programs git runs. */
    WRITE_GIT_FOLDER,
    /** Run a program on the read-only list ({@link ReadOnlyCommands}). */
    READ_ONLY_COMMAND,
    /** Run any other program, or a shell line. */
    OTHER_COMMAND,
    /** Run a program, or a shell line, known to reach the network ({@link NetworkCommands}). */
    NETWORK_COMMAND
  }

  private SandboxDecision() {}

  /**
   * Whether commands get the network: always with full access, with workspace-write only when
   * {@code network_access} is set, never read-only (as in Codex, where {@code network_access}
   * belongs to {@code [sandbox_workspace_write]}).
   */
  static boolean grantsNetwork(SandboxMode mode, boolean networkAccess) {
    return mode == SandboxMode.DANGER_FULL_ACCESS || (mode == SandboxMode.WORKSPACE_WRITE && networkAccess);
  }

  /**
   * Decides about an action.
   *
   * @param networkAccess {@code [sandbox_workspace_write] network_access}: whether a workspace-write
   *     sandbox lets commands reach the network
   */
  static Verdict decide(SandboxMode mode, ApprovalPolicy policy, boolean networkAccess, Action action) {
    boolean fullAccess = mode == SandboxMode.DANGER_FULL_ACCESS;
    return switch (action) {
      case READ, READ_ONLY_COMMAND -> Verdict.ALLOW;
      case READ_OUTSIDE -> fullAccess ? Verdict.ALLOW : Verdict.DENY;
      case WRITE_IN_SCOPE, WRITE_WRITABLE_ROOT -> mode.allowsWrites() ? askIfUntrusted(policy) : Verdict.DENY;
      case WRITE_OUTSIDE -> fullAccess ? askIfUntrusted(policy) : Verdict.DENY;
      case WRITE_OUT_OF_SCOPE, WRITE_GIT_FOLDER -> Verdict.DENY;
      case OTHER_COMMAND -> mode.allowsWrites() ? askIfUntrusted(policy) : askUnlessNever(policy);
      case NETWORK_COMMAND -> grantsNetwork(mode, networkAccess) ? decide(mode, policy, networkAccess, Action.OTHER_COMMAND) : askUnlessNever(policy);
    };
  }

  /** Where the sandbox would refuse: a question, unless the policy never asks. */
  private static Verdict askUnlessNever(ApprovalPolicy policy) {
    return policy == ApprovalPolicy.NEVER ? Verdict.DENY : Verdict.ASK;
  }

  private static Verdict askIfUntrusted(ApprovalPolicy policy) {
    return policy == ApprovalPolicy.UNTRUSTED ? Verdict.ASK : Verdict.ALLOW;
  }
}
