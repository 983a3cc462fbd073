package dev.orchestra.temporal.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a run stood when its workflow continued as new, at a round boundary: what the next
 * workflow run cannot rebuild from the run's journal, which it reads back from the desk. Small by
 * design: a continued run's history starts with this, not with the run so far.
 *
 * @param team what the run's desk answered when it was (last) opened, as {@link Wire#team} writes it
 * @param firstTeam what the run's first desk answered: a desk opened again must decide alike
 * @param journalLines how many journal lines the run had: the desk's journal holds them, from the
 *     run's start
 * @param lastLine the last of them, to check the desk's journal against
 * @param budgetLimit the thread budget's limit
 * @param budgetLastChange when the budget last changed, in workflow time (ISO-8601; it may be far
 *     in the past, for never)
 * @param budgetLastTrouble when a task last ran into trouble, in workflow time (ISO-8601)
 * @param budgetTroubleLimit the limit the budget stepped down from last
 * @param starts task starts so far
 * @param explorations the explorers' reports, by task id, as {@link Wire#report} writes them
 * @param planEdits plan edits sent and not yet given to the desk: base and edited Markdown each
 * @param deskMoves how many times the run's desk was opened again elsewhere
 * @param deskWork the commands for the desk still to carry out, as {@link Wire#command} writes them
 * @param continuations how many times the run's workflow continued as new before, this one included
 */
public record Continuation(
    String team,
    String firstTeam,
    int journalLines,
    String lastLine,
    int budgetLimit,
    String budgetLastChange,
    String budgetLastTrouble,
    int budgetTroubleLimit,
    int starts,
    Map<String, String> explorations,
    List<List<String>> planEdits,
    int deskMoves,
    List<String> deskWork,
    int continuations) {
  /** Validates and copies the components. */
  public Continuation {
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(firstTeam, "firstTeam");
    Objects.requireNonNull(lastLine, "lastLine");
    Objects.requireNonNull(budgetLastChange, "budgetLastChange");
    Objects.requireNonNull(budgetLastTrouble, "budgetLastTrouble");
    if (journalLines < 1) {
      throw new IllegalArgumentException("a continued run has journal lines, got " + journalLines);
    }
    explorations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(explorations)); // in the order explored
    planEdits = planEdits.stream().map(List::copyOf).toList();
    deskWork = List.copyOf(deskWork);
  }
}
