/**
 * The workflow, activities and wire format behind {@code dev.orchestra.temporal}. Public only
 * because Temporal instantiates and proxies these types; not Orchestra's API.
 */
package dev.orchestra.temporal.internal;
