package dev.orchestra.agent;

import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import dev.orchestra.role.ApprovalHandler;
import dev.orchestra.role.Skill;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What an {@link Agent} gets from the orchestrator for one task. Thread-safe.
 */
public interface AgentContext {

  /** Returns the id of the run. */
  String runId();

  /** Returns the workspace root. */
  Path workspace();

  /**
   * Returns what the agent should know beyond the task itself: the goal, the explorers' findings,
   * a failing command's output, the batch under review.
   */
  String brief();

  /** Returns the model to use when the role names none. */
  String defaultModel();

  /** Returns the most model turns the agent may take. */
  int maxTurns();

  /** Returns the tools for this role and task. */
  ToolBox tools();

  /**
   * Returns the role's skills: their names and descriptions go into the request, their text is
   * loaded with the {@code load_skill} tool.
   *
   * @return the skills, possibly empty
   */
  default List<Skill> skills() {
    return List.of();
  }

  /**
   * Calls the model through the orchestrator: the call is counted, reported as an event, signals
   * the thread budget, and is retried after rate limits and transient failures.
   *
   * @param request the request
   * @return the answer
   * @throws dev.orchestra.model.ModelProviderException when the call fails for good
   */
  ModelResponse call(ModelRequest request);

  /**
   * Tells the run what an agent working outside {@link #tools()} did: a command it ran, a file it
   * changed, a model turn it finished. The run turns each into events, counts the tokens, and
   * signals the thread budget. Contexts that have no run to tell (a user's own test context) may
   * ignore it, as this default does.
   *
   * @param activity what happened
   */
  default void report(AgentActivity activity) {}

  /**
   * Asks the run's approval handler whether the agent may go ahead, for an agent that enforces its
   * role's approval policy itself; blocks until the handler answers or the run's approval timeout
   * passes (a denial). The decision is journalled. This default denies, since it has no handler.
   *
   * @param action what kind of thing, for example {@code run_command} or {@code apply_patch}
   * @param detail what exactly: the command line or the paths
   * @param reason why approval is needed
   * @return the decision
   */
  default ApprovalHandler.Decision askApproval(String action, String detail, String reason) {
    return ApprovalHandler.Decision.deny("default", "this context has no approval handler");
  }

  /**
   * Returns the environment variables the run gives the commands it starts, after its shell
   * environment policy: what an agent that starts a program of its own passes it. This default
   * returns none, so that a context without a policy hands no secret on.
   *
   * @return the variables, unmodifiable
   */
  default Map<String, String> commandEnvironment() {
    return Map.of();
  }
}
