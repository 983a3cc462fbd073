package dev.orchestra.agent;

import dev.orchestra.model.ModelProviderException;
import dev.orchestra.model.TokenUsage;
import java.time.Duration;
import java.util.Objects;

/**
 * What an agent that works outside the orchestrator's tool box did, told to the run with {@link
 * AgentContext#report(AgentActivity)}: an agent that runs another program (a Codex process, say)
 * reports that program's commands, file changes, tool calls, messages and model turns, and the run
 * turns them into the events its listeners and journal get, its token table and its thread budget's
 * signals. The default tool loop never needs this: its tools and model calls are the run's own.
 */
public sealed interface AgentActivity {

  /**
   * The agent's own session began: its id is journalled, so a person can find the session in the
   * other program's records.
   *
   * @param agent what runs it, for example {@code codex}
   * @param threadId the session's id in that program
   */
  record ThreadStarted(String agent, String threadId) implements AgentActivity {
    /** Validates the components. */
    public ThreadStarted {
      Objects.requireNonNull(agent, "agent");
      Objects.requireNonNull(threadId, "threadId");
    }
  }

  /**
   * The agent ran a command.
   *
   * @param command the command line
   * @param exitCode its exit code; -1 when it did not run to an exit (killed, refused)
   * @param took how long it ran
   * @param output what it printed, as the agent saw it; only its size and digest are kept
   */
  record CommandRan(String command, int exitCode, Duration took, String output) implements AgentActivity {
    /** Validates the components. */
    public CommandRan {
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(took, "took");
      Objects.requireNonNull(output, "output");
    }
  }

  /**
   * The agent changed a file.
   *
   * @param path the path, relative to the workspace where it is inside it
   * @param change what happened to it, for example {@code add}, {@code update} or {@code delete}
   */
  record FileChanged(String path, String change) implements AgentActivity {
    /** Validates the components. */
    public FileChanged {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(change, "change");
    }
  }

  /**
   * The agent called a tool of its own, such as an MCP server's.
   *
   * @param tool the tool's name, for example {@code mcp:docs/search}
   * @param target what it worked on, or an empty string
   * @param ok whether the call succeeded
   * @param detail one line: a summary, or why it failed
   */
  record ToolUsed(String tool, String target, boolean ok, String detail) implements AgentActivity {
    /** Validates the components. */
    public ToolUsed {
      Objects.requireNonNull(tool, "tool");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The agent said something on its way: a progress message, not its final answer.
   *
   * @param text what it said
   */
  record Message(String text) implements AgentActivity {
    /** Validates the components. */
    public Message {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * The agent's model finished a turn: its tokens count toward the run's and the role's, and the
   * thread budget hears of a success, as of a model call's.
   *
   * @param model the model asked
   * @param usage tokens used in the turn
   * @param took how long the turn took
   */
  record TurnFinished(String model, TokenUsage usage, Duration took) implements AgentActivity {
    /** Validates the components. */
    public TurnFinished {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(usage, "usage");
      Objects.requireNonNull(took, "took");
    }
  }

  /**
   * The agent's model failed a turn; journalled as a failed model call. The thread budget hears of
   * the failure when the agent throws it (a rate limit steps the budget down), once.
   *
   * @param model the model asked
   * @param usage tokens the turn used before it failed (its model calls that did answer)
   * @param took how long the turn took
   * @param failure the kind of failure
   */
  record TurnFailed(String model, TokenUsage usage, Duration took, ModelProviderException.Kind failure) implements AgentActivity {
    /** Validates the components. */
    public TurnFailed {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(usage, "usage");
      Objects.requireNonNull(took, "took");
      Objects.requireNonNull(failure, "failure");
    }
  }
}
