/**
 * JSON shared across Orchestra's packages. Not part of Orchestra's API.
 *
 * <p>{@link dev.orchestra.internal.json.Json} is the one plain Jackson mapper for ordinary JSON
 * (tool arguments and schemas in {@code internal.workspace}, role answers in {@code agent} and
 * {@code testing}); {@link dev.orchestra.internal.json.EventJson} is the journal's one-line form of
 * an event, used by the journal in {@code dev.orchestra} and by {@code event.JsonLinesListener}.
 * Public only because those packages of {@code orchestra-core} need them; no Jackson type reaches
 * a public signature of an API package.
 */
package dev.orchestra.internal.json;
