/**
 * The team's plan and its plan.md form.
 *
 * <p>A {@link dev.orchestra.plan.Plan} is an immutable, always consistent value: the goal, its
 * {@link dev.orchestra.plan.Task}s with their {@link dev.orchestra.plan.TaskStatus}, dependencies
 * and write scopes, a Later list and the last run's summary. It reads and writes the Markdown
 * format documented on {@code Plan}; text that does not follow it fails with a {@link
 * dev.orchestra.plan.PlanFormatException} naming file and line. The one implementation of {@code
 * Plan} and the Markdown reader and writer are package-private.
 */
package dev.orchestra.plan;
