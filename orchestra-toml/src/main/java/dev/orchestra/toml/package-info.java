/**
 * Codex configuration for Orchestra: read, check, layer and write the {@code config.toml} and role
 * files of OpenAI's Codex CLI, and turn them into core {@link dev.orchestra.role.Role}s.
 *
 * <p>Entry points:
 *
 * <ul>
 *   <li>{@link dev.orchestra.toml.CodexConfig} loads ({@code load()}) or checks ({@code verify()})
 *       the user layer, an optional profile file and the trusted project layers;
 *   <li>{@link dev.orchestra.toml.LoadedConfig#toRoles()} maps the result to core roles and the
 *       thread budget;
 *   <li>{@link dev.orchestra.toml.StarterPack} writes a complete configuration for a tier;
 *   <li>{@link dev.orchestra.toml.ConfigEditor} sets or removes one key, keeping the rest of a file
 *       byte for byte.
 * </ul>
 *
 * <p>Codex is the reference for keys, defaults, aliases, layering, trust and path rules. Where
 * Orchestra differs, it says so:
 *
 * <ul>
 *   <li>a role file's {@code sandbox_mode} and {@code approval_policy} are honoured (Codex ignores
 *       them), but never beyond the run's own ceiling;
 *   <li>an unknown top-level key in a role file is a warning and the role is kept (Codex 0.115+
 *       drops the role); strict mode makes it an error;
 *   <li>a role that cannot be loaded (a missing or broken role file, a missing description, ...) is
 *       an error in every mode, where Codex 0.115+ skips it with a warning: Orchestra's team and gates
 *       come from the roles, so a missing role must stop a run before it starts;
 *   <li>{@code model_reasoning_effort} must be one of {@code none}, {@code minimal}, {@code low},
 *       {@code medium}, {@code high}, {@code xhigh}, the efforts a provider accepts (Codex 0.138+
 *       keeps any string and names {@code max} and {@code ultra});
 *   <li>settings Orchestra does not honour are warnings, and errors in strict mode: {@code
 *       features.multi_agent = false} and {@code agents.enabled = false} (Orchestra always runs
 *       several agents), {@code agents.default_subagent_model} and {@code
 *       default_subagent_reasoning_effort}, and the {@code mcp_servers} and {@code skills} of an
 *       {@code [agents.<name>]} table; a role file's own are a note: a role that Codex runs gets
 *       them, Orchestra's tool loop does not;
 *   <li>strict mode also turns what Codex silently ignores (unknown keys, a second definition of a
 *       role) into errors;
 *   <li>{@code wire_api = "chat"} in {@code [model_providers.<id>]} is accepted (Orchestra speaks Chat
 *       Completions to OpenAI-compatible servers such as vLLM and Ollama); current Codex refuses it, so
 *       a verify notes that in a warning, which strict mode leaves a warning;
 *   <li>a provider's {@code base_url} must be an http or https URL with a host and no query (Codex
 *       finds out only when it sends a request), and a header in {@code http_headers} or {@code
 *       env_http_headers} that cannot be sent is reported as ignored (Codex drops it silently);
 *   <li>without a {@code [shell_environment_policy]} table, commands do not get names with {@code
 *       KEY}, {@code SECRET} or {@code TOKEN} (Codex passes every variable); a written table keeps
 *       Codex's meaning, key by key ({@link dev.orchestra.toml.LoadedConfig#shellEnvironmentPolicy()}),
 *       but {@code experimental_use_profile} is not honoured (a warning);
 *   <li>{@code [sandbox_workspace_write]}: {@code writable_roots} widen the tools of workspace-write
 *       roles, but {@code /tmp} and {@code $TMPDIR} are never added (so {@code exclude_slash_tmp} and
 *       {@code exclude_tmpdir_env_var} change nothing), and {@code network_access} cannot isolate
 *       anything: without it, known network commands are asked about or refused and the rest are
 *       told {@code CODEX_SANDBOX_NETWORK_DISABLED=1} ({@link dev.orchestra.toml.LoadedConfig#networkAccess()});
 *   <li>a role file's {@code [shell_environment_policy]} and {@code [sandbox_workspace_write]} are
 *       ignored with a warning (an error in strict mode), as Codex gives a sub-agent its parent's;
 *   <li>the system layer ({@code /etc/codex/config.toml}) and managed or cloud layers are not read.
 * </ul>
 *
 * <p>Orchestra's own settings live in Codex's file, in a top-level {@code [orchestra]} table that
 * Codex ignores: {@code checks}, the shell lines the CI gate runs ({@link
 * dev.orchestra.toml.LoadedConfig#checks()}); and in a provider table, a client-side rate limit
 * ({@code requests_per_period}, {@code rate_limit_period_ms}). A {@code [model_providers.<id>]}
 * table is read into core's {@link dev.orchestra.model.ProviderConfig}, the type provider modules
 * make their providers from ({@link dev.orchestra.toml.LoadedConfig#modelProvider()}).
 *
 * <p>Every failure caused by a file surfaces as a {@link dev.orchestra.toml.Diagnostic} with file,
 * line, column, key, message and fix; loading throws only {@link
 * dev.orchestra.toml.CodexConfigException}.
 */
package dev.orchestra.toml;
