/**
 * What a run tells the outside world while it happens.
 *
 * <p>{@link dev.orchestra.event.OrchestraEvent} is a sealed family of immutable records, one per
 * step of the loop (run started, task finished, gate finished, budget changed, retry scheduled,
 * run finished...), each with a {@link dev.orchestra.event.OrchestraEvent.Kind} to switch on. The
 * same events, in the same order, go to every {@link dev.orchestra.event.OrchestraListener} and to
 * the run's journal; {@link dev.orchestra.event.JsonLinesListener} writes them to a file in the
 * journal's JSON-lines form.
 */
package dev.orchestra.event;
