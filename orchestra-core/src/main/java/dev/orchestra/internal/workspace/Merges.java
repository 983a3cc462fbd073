package dev.orchestra.internal.workspace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How integrating several tasks' branches went ({@link GitWorktrees#integrateAll}). The branches
 * are integrated in order, each as {@link GitWorktrees#integrate(String, String, boolean, String)}
 * does one, stopping at the first that git cannot merge at all (gone, elsewhere than its task
 * reported, or git failing): the ones after it are not tried. Through a remote, the branches come
 * in one fetch and the integration branch goes out in one push after the last merge (for a rebase,
 * the replayed task branches in a second push after it), not one of each per task: a run's desk
 * pays the remote's round trips once for every branch waiting. Immutable.
 *
 * @param outcomes how each merge tried went, in order: all of them, or those before the one git
 *     could not do
 * @param failure why git could not merge the branch after the last outcome, the merges after it not
 *     tried; empty when every one was
 * @param pushFailure through a remote, why a push after the merges failed: the remote's integration
 *     branch then lacks them all (unless only the replayed task branches' push failed), though this
 *     clone's holds them; empty when none did
 */
public record Merges(List<Integration> outcomes, Optional<String> failure, Optional<String> pushFailure) {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Merges.class);

  /** Copies the outcomes. */
  public Merges {
    outcomes = List.copyOf(outcomes);
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(pushFailure, "pushFailure");
  }

  /**
   * A task's branch to integrate.
   *
   * @param branch the branch
   * @param message the merge commit's message
   * @param tip the commit the branch's task reported, where a remote's branch must be; or empty
   */
  public record Merge(String branch, String message, String tip) {
    /** Validates the components. */
    public Merge {
      Objects.requireNonNull(branch, "branch");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(tip, "tip");
    }
  }

  /** Carries the merges out on {@code integration}, through {@code remote} unless it is null. */
  static Merges carryOut(IntegrationBranch integration, RemoteBranches remote, List<Merge> merges, boolean rebase) {
    Map<String, String> fetched = Map.of();
    if (remote != null && merges.size() > 1) {
      try {
        fetched = remote.fetchTasks(merges.stream().map(Merge::branch).distinct().toList());
      } catch (RuntimeException e) {
        LOG.debug("the branches fetched together could not be read, so each is fetched alone: {}", String.valueOf(e.getMessage()));
        fetched = Map.of(); // each is fetched alone, for its own answer
      }
    }
    List<Integration> outcomes = new ArrayList<>();
    List<String> integrated = new ArrayList<>();
    Optional<String> failure = Optional.empty();
    for (Merge m : merges) {
      try {
        if (remote != null) {
          remote.fetchTask(m.branch(), m.tip(), fetched);
        }
        Integration done = integration.integrate(m.branch(), m.message(), rebase);
        outcomes.add(done);
        if (!(done instanceof Integration.Conflict)) {
          integrated.add(m.branch());
        }
      } catch (RuntimeException e) {
        failure = Optional.of(String.valueOf(e.getMessage()));
        break;
      }
    }
    Optional<String> pushFailure = Optional.empty();
    if (remote != null && !integrated.isEmpty()) {
      try {
        remote.integrated(integrated, rebase);
      } catch (RuntimeException e) {
        pushFailure = Optional.of(String.valueOf(e.getMessage()));
      }
    }
    return new Merges(outcomes, failure, pushFailure);
  }
}
