package dev.orchestra.internal.engine;

import dev.orchestra.Bounds;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a run's decisions depend on besides its events: the team's shape and the bounds. The same
 * spec and the same events always give the same decisions.
 *
 * @param probes the exploration probes, one explorer task each, in order (empty: no exploring)
 * @param writerRoles the roles whose tasks write: two of their tasks whose write scopes overlap
 *     never run together in a shared working tree
 * @param gates the names of the gates that run after each batch, in order
 * @param bounds the run's bounds
 * @param oneBatch whether the run stops after its first batch and gates
 * @param releaseManager whether the team has a release manager to ask after a green round
 * @param initialBudget how many agents may run at once before any budget change
 * @param isolated whether each task works in a git worktree of its own: write scopes then do not
 *     keep writers apart (integration does), and a finished task's committed work is integrated
 *     before its dependents start and before the gates run
 * @param mergesAtOnce how many finished tasks' branches the machine asks to integrate in one
 *     command: 1 (or 0, which older specs read as) asks for one {@link Command.Integrate} at a
 *     time; more asks for an {@link Command.IntegrateAll} of up to that many, which through a git
 *     remote costs one fetch and one push instead of one each per task
 */
public record RunSpec(
    List<String> probes,
    Set<String> writerRoles,
    List<String> gates,
    Bounds bounds,
    boolean oneBatch,
    boolean releaseManager,
    int initialBudget,
    boolean isolated,
    int mergesAtOnce) {

  /** A spec for a shared working tree. */
  public RunSpec(
      List<String> probes, Set<String> writerRoles, List<String> gates, Bounds bounds, boolean oneBatch, boolean releaseManager,
      int initialBudget) {
    this(probes, writerRoles, gates, bounds, oneBatch, releaseManager, initialBudget, false);
  }

  /** A spec that integrates one task at a time. */
  public RunSpec(
      List<String> probes, Set<String> writerRoles, List<String> gates, Bounds bounds, boolean oneBatch, boolean releaseManager,
      int initialBudget, boolean isolated) {
    this(probes, writerRoles, gates, bounds, oneBatch, releaseManager, initialBudget, isolated, 1);
  }

  /** Validates and copies the components. */
  public RunSpec {
    probes = List.copyOf(probes);
    writerRoles = Set.copyOf(writerRoles);
    gates = List.copyOf(gates);
    Objects.requireNonNull(bounds, "bounds");
    if (initialBudget < 1) {
      throw new IllegalArgumentException("initialBudget must be at least 1, got " + initialBudget);
    }
    if (mergesAtOnce < 0) {
      throw new IllegalArgumentException("mergesAtOnce must not be negative, got " + mergesAtOnce);
    }
    mergesAtOnce = Math.max(1, mergesAtOnce); // a spec written before it was: one at a time
  }
}
