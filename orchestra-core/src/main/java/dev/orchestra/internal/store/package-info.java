/**
 * A run's records in its workspace: the journal ({@link dev.orchestra.internal.store.Journal}, one
 * JSON line per event), plan.md ({@link dev.orchestra.internal.store.PlanStore}, with the copy it
 * last wrote, to tell a person's edit apart), the run lock ({@link
 * dev.orchestra.internal.store.RunLock}), the release notes, and {@link
 * dev.orchestra.internal.store.EventOutbox}, which writes journal lines and plan.md in the order the
 * run decided them, before any listener hears of them. Not part of Orchestra's API: public only
 * because the engine in {@code dev.orchestra} uses them.
 */
package dev.orchestra.internal.store;
