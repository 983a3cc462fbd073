package dev.orchestra;

import dev.orchestra.agent.AgentActivity;
import dev.orchestra.agent.AgentContext;
import dev.orchestra.agent.ToolBox;
import dev.orchestra.event.OrchestraEvent;
import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.workspace.WorkspaceToolBox;
import dev.orchestra.internal.workspace.WriteWindows;
import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.plan.Task;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.BuiltInRoles;
import dev.orchestra.role.Role;
import dev.orchestra.role.Skill;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An agent's context: what it knows of the run, its tools, its way to the model, and, for an
 * agent that works outside the tool box, the way to report what it did and to ask for approval.
 * One per attempt of an agent on a task. Thread-safe: an agent may report from threads of its own.
 */
final class RunAgentContext implements AgentContext {
  private final RunContext run;
  private final Role role;
  private final Task task;
  private final Path workspace;
  private final String brief;
  private final WorkspaceToolBox tools;
  private final List<Skill> skills;
  private final WriteWindows.Window window;
  private final AgentEvents events;
  /** Files the agent reported changing itself, beside those its tool box wrote. */
  private final Set<String> reportedFiles = ConcurrentHashMap.newKeySet();
  /**
   * The failures model calls through this context threw, by identity, each already retried by the
   * run; made on the first (most agents never see one). Guarded by this context.
   */
  private Set<Throwable> callFailures;

  RunAgentContext(
      RunContext run, Role role, Task task, Path workspace, String brief, WorkspaceToolBox tools, List<Skill> skills, WriteWindows.Window window,
      AgentEvents events) {
    this.run = run;
    this.role = role;
    this.events = events;
    this.task = task;
    this.workspace = workspace;
    this.brief = brief;
    this.tools = tools;
    this.skills = skills;
    this.window = window;
  }

  @Override
  public String runId() {
    return run.runId();
  }

  @Override
  public Path workspace() {
    return workspace;
  }

  @Override
  public String brief() {
    return brief;
  }

  @Override
  public String defaultModel() {
    return run.config().defaultModel();
  }

  @Override
  public int maxTurns() {
    return run.config().bounds().maxAgentTurns();
  }

  @Override
  public ToolBox tools() {
    return tools;
  }

  @Override
  public List<Skill> skills() {
    return skills;
  }

  @Override
  public ModelResponse call(ModelRequest request) {
    try {
      return run.models().call(request, events);
    } catch (ModelProviderException e) {
      synchronized (this) {
        if (callFailures == null) {
          callFailures = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        }
        callFailures.add(e);
      }
      throw e;
    }
  }

  /**
   * Whether a failure is, or wraps, one that a model call through this context threw: the run
   * retried that call already, so the agent's attempt is not tried again for it.
   */
  boolean alreadyRetried(Throwable e) {
    synchronized (this) {
      if (callFailures == null) {
        return false;
      }
      // A cause chain is short; the bound guards against one made into a cycle.
      int depth = 0;
      for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
        if (callFailures.contains(t)) {
          return true;
        }
      }
      return false;
    }
  }

  @Override
  public void report(AgentActivity activity) {
    Objects.requireNonNull(activity, "activity");
    if (activity instanceof AgentActivity.ThreadStarted t) {
      events.observe(new OrchestraEvent.AgentThreadStarted(run.runId(), run.now(), task.id(), role.name(), t.agent(), t.threadId()));
    } else if (activity instanceof AgentActivity.CommandRan c) {
      if (window != null) {
        window.commandRan();
      }
      String detail = (c.exitCode() < 0 ? "did not exit" : "exit code " + c.exitCode()) + " after " + c.took().toMillis() + " ms";
      toolCalled(BuiltInRoles.TOOL_RUN_COMMAND, c.command(), true, WorkspaceToolBox.Audit.of(detail, c.output()));
    } else if (activity instanceof AgentActivity.FileChanged f) {
      reportedFiles.add(f.path());
      toolCalled(BuiltInRoles.TOOL_APPLY_PATCH, f.path(), true, WorkspaceToolBox.Audit.of(f.change(), ""));
    } else if (activity instanceof AgentActivity.ToolUsed u) {
      toolCalled(u.tool(), u.target(), u.ok(), WorkspaceToolBox.Audit.of(u.detail(), ""));
    } else if (activity instanceof AgentActivity.Message m) {
      events.observe(new OrchestraEvent.AgentMessage(run.runId(), run.now(), task.id(), role.name(), m.text()));
    } else if (activity instanceof AgentActivity.TurnFinished t) {
      events.observeWhenFree(
          new OrchestraEvent.ModelCallFinished(run.runId(), run.now(), role.name(), task.id(), t.model(), t.usage(), t.took().toMillis(), "ok"));
      events.signal(BudgetPolicy.Signal.SUCCESS, "");
    } else if (activity instanceof AgentActivity.TurnFailed t) {
      // The budget hears of the failure once, when the agent throws it.
      events.observe(
          new OrchestraEvent.ModelCallFinished(
              run.runId(), run.now(), role.name(), task.id(), t.model(), t.usage(), t.took().toMillis(), t.failure().name().toLowerCase(Locale.ROOT)));
    }
  }

  private void toolCalled(String tool, String target, boolean ok, WorkspaceToolBox.Audit audit) {
    events.observe(
        new OrchestraEvent.ToolCalled(run.runId(), run.now(), task.id(), role.name(), tool, target, ok, audit.detail(), audit.outputBytes(), audit.outputDigest()));
  }

  @Override
  public ApprovalHandler.Decision askApproval(String action, String detail, String reason) {
    return askApproval(run, role, task, action, detail, reason, events);
  }

  @Override
  public Map<String, String> commandEnvironment() {
    return run.commandEnvironment().variables();
  }

  /** The files the agent changed: its tool box's writes and those it reported. */
  List<String> changedFiles() {
    TreeSet<String> all = new TreeSet<>(tools.changedFiles());
    all.addAll(reportedFiles);
    return List.copyOf(all);
  }

  /**
   * Asks the approval handler on a thread of its own, so a handler that never answers counts as a
   * denial after the timeout instead of holding the agent for ever.
   */
  static ApprovalHandler.Decision askApproval(RunContext run, Role role, Task task, String action, String detail, String reason, AgentEvents events) {
    OrchestratorConfig config = run.config();
    ApprovalHandler.Request request = new ApprovalHandler.Request(run.runId(), task.id(), role.name(), action, detail, reason);
    FutureTask<ApprovalHandler.Decision> asking = new FutureTask<>(() -> run.approvals().decide(request));
    Thread t = new Thread(asking, "orchestra-approval-" + task.id());
    t.setDaemon(true);
    t.start();
    ApprovalHandler.Decision d;
    try {
      d = asking.get(config.approvalTimeout().toNanos(), TimeUnit.NANOSECONDS);
      if (d == null) {
        d = ApprovalHandler.Decision.deny("handler", "the approval handler gave no decision");
      }
    } catch (TimeoutException e) {
      asking.cancel(true);
      d = ApprovalHandler.Decision.deny("timeout", "no answer within " + Text.duration(config.approvalTimeout()));
    } catch (ExecutionException e) {
      d = ApprovalHandler.Decision.deny("handler", "the approval handler failed: " + e.getCause());
    } catch (InterruptedException e) {
      asking.cancel(true);
      Thread.currentThread().interrupt();
      d = ApprovalHandler.Decision.deny("cancel", "the run was cancelled while waiting for approval");
    }
    events.observe(
        new OrchestraEvent.ApprovalDecided(
            run.runId(), run.now(), task.id(), role.name(), action, detail, d.approved(), d.decidedBy(),
            d.reason().isEmpty() ? reason : reason + "; " + d.reason()));
    return d;
  }
}
