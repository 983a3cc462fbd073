package dev.orchestra.agent;

import dev.orchestra.role.Skill;
import dev.orchestra.model.ModelRequest;
import dev.orchestra.model.ModelResponse;
import java.nio.file.Path;
import java.util.List;

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
}
