package dev.orchestra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.orchestra.internal.io.Text;
import dev.orchestra.internal.retry.AttemptFailure;
import dev.orchestra.role.Role;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API stays what we decided it is: the public types of the API packages are exactly the
 * frozen list below, every package is either API or {@code internal}, no public signature of an
 * API type mentions an internal type (or Jackson, or SLF4J), no public method takes an {@link
 * Optional} parameter, and no public API type is implemented by an anonymous class in main code
 * (which would show up in stack traces and {@code toString()} as {@code Foo$1}).
 */
final class ApiSurfaceTest {

  /** The packages that make up orchestra-core's API; everything else must be under {@code internal}. */
  private static final Set<String> API_PACKAGES =
      Set.of(
          "dev.orchestra",
          "dev.orchestra.agent",
          "dev.orchestra.event",
          "dev.orchestra.gate",
          "dev.orchestra.model",
          "dev.orchestra.plan",
          "dev.orchestra.role",
          "dev.orchestra.testing");

  private static final String INTERNAL = "dev.orchestra.internal.";

  /**
   * Every public top-level and nested type of the API packages (nested ones only when every
   * enclosing type is public too), by binary name, sorted. Adding or removing a public type is an
   * API change: make it here on purpose, in the same commit.
   */
  private static final String PUBLIC_TYPES =
      """
      dev.orchestra.Bounds
      dev.orchestra.BudgetPolicy
      dev.orchestra.Isolation
      dev.orchestra.Isolation$Shared
      dev.orchestra.Isolation$Worktrees
      dev.orchestra.Isolation$Worktrees$Builder
      dev.orchestra.Isolation$Worktrees$Integration
      dev.orchestra.Isolation$Worktrees$OnConflict
      dev.orchestra.NothingToResumeException
      dev.orchestra.OrchestraException
      dev.orchestra.Orchestrator
      dev.orchestra.Orchestrator$Builder
      dev.orchestra.RunResult
      dev.orchestra.Sleeper
      dev.orchestra.StopReason
      dev.orchestra.agent.Agent
      dev.orchestra.agent.AgentActivity
      dev.orchestra.agent.AgentActivity$CommandRan
      dev.orchestra.agent.AgentActivity$FileChanged
      dev.orchestra.agent.AgentActivity$Message
      dev.orchestra.agent.AgentActivity$ThreadStarted
      dev.orchestra.agent.AgentActivity$ToolUsed
      dev.orchestra.agent.AgentActivity$TurnFailed
      dev.orchestra.agent.AgentActivity$TurnFinished
      dev.orchestra.agent.AgentContext
      dev.orchestra.agent.AgentException
      dev.orchestra.agent.AgentException$Reason
      dev.orchestra.agent.ReportFormat
      dev.orchestra.agent.RoleReport
      dev.orchestra.agent.RoleReport$CiDiagnosis
      dev.orchestra.agent.RoleReport$Exploration
      dev.orchestra.agent.RoleReport$Implementation
      dev.orchestra.agent.RoleReport$Kind
      dev.orchestra.agent.RoleReport$PlanProposal
      dev.orchestra.agent.RoleReport$QaReview
      dev.orchestra.agent.RoleReport$Refusal
      dev.orchestra.agent.RoleReport$ReleasePlan
      dev.orchestra.agent.RoleReport$Review
      dev.orchestra.agent.RoleReport$SecurityReview
      dev.orchestra.agent.RoleReport$Text
      dev.orchestra.agent.ToolBox
      dev.orchestra.event.JsonLinesListener
      dev.orchestra.event.OrchestraEvent
      dev.orchestra.event.OrchestraEvent$AgentMessage
      dev.orchestra.event.OrchestraEvent$AgentThreadStarted
      dev.orchestra.event.OrchestraEvent$ApprovalDecided
      dev.orchestra.event.OrchestraEvent$BudgetChanged
      dev.orchestra.event.OrchestraEvent$GateFinished
      dev.orchestra.event.OrchestraEvent$GateSkipped
      dev.orchestra.event.OrchestraEvent$GateStarted
      dev.orchestra.event.OrchestraEvent$IntegrationConflicted
      dev.orchestra.event.OrchestraEvent$Kind
      dev.orchestra.event.OrchestraEvent$ModelCallFinished
      dev.orchestra.event.OrchestraEvent$PlanChecked
      dev.orchestra.event.OrchestraEvent$PlanUpdated
      dev.orchestra.event.OrchestraEvent$RetryDue
      dev.orchestra.event.OrchestraEvent$RetryScheduled
      dev.orchestra.event.OrchestraEvent$RunFinished
      dev.orchestra.event.OrchestraEvent$RunStarted
      dev.orchestra.event.OrchestraEvent$StopRequested
      dev.orchestra.event.OrchestraEvent$TaskCommitted
      dev.orchestra.event.OrchestraEvent$TaskFinished
      dev.orchestra.event.OrchestraEvent$TaskIntegrated
      dev.orchestra.event.OrchestraEvent$TaskStarted
      dev.orchestra.event.OrchestraEvent$ToolCalled
      dev.orchestra.event.OrchestraEvent$WorktreeCreated
      dev.orchestra.event.OrchestraListener
      dev.orchestra.gate.Batch
      dev.orchestra.gate.CommandGate
      dev.orchestra.gate.CommandGate$Builder
      dev.orchestra.gate.Finding
      dev.orchestra.gate.Gate
      dev.orchestra.gate.Gate$Applicability
      dev.orchestra.gate.GateContext
      dev.orchestra.gate.GateResult
      dev.orchestra.gate.Severity
      dev.orchestra.gate.Verdict
      dev.orchestra.model.AuthenticationException
      dev.orchestra.model.Message
      dev.orchestra.model.Message$Assistant
      dev.orchestra.model.Message$Developer
      dev.orchestra.model.Message$Kind
      dev.orchestra.model.Message$ToolResult
      dev.orchestra.model.Message$User
      dev.orchestra.model.ModelProvider
      dev.orchestra.model.ModelProviderException
      dev.orchestra.model.ModelProviderException$Kind
      dev.orchestra.model.ModelProviderFactory
      dev.orchestra.model.ModelProviders
      dev.orchestra.model.ModelRequest
      dev.orchestra.model.ModelRequest$Builder
      dev.orchestra.model.ModelResponse
      dev.orchestra.model.ModelResponse$FinishReason
      dev.orchestra.model.ProviderConfig
      dev.orchestra.model.ProviderConfig$Builder
      dev.orchestra.model.ProviderSignals
      dev.orchestra.model.QuotaExhaustedException
      dev.orchestra.model.RateLimitedException
      dev.orchestra.model.ReasoningItem
      dev.orchestra.model.RejectedRequestException
      dev.orchestra.model.TokenUsage
      dev.orchestra.model.ToolCall
      dev.orchestra.model.ToolSpec
      dev.orchestra.model.TransientModelException
      dev.orchestra.model.WireApi
      dev.orchestra.plan.Plan
      dev.orchestra.plan.Plan$Builder
      dev.orchestra.plan.PlanFormatException
      dev.orchestra.plan.Task
      dev.orchestra.plan.Task$Builder
      dev.orchestra.plan.TaskStatus
      dev.orchestra.role.ApprovalHandler
      dev.orchestra.role.ApprovalHandler$Decision
      dev.orchestra.role.ApprovalHandler$Request
      dev.orchestra.role.ApprovalPolicy
      dev.orchestra.role.BuiltInRoles
      dev.orchestra.role.ReasoningEffort
      dev.orchestra.role.Role
      dev.orchestra.role.Role$Builder
      dev.orchestra.role.SandboxMode
      dev.orchestra.role.ShellEnvironmentPolicy
      dev.orchestra.role.ShellEnvironmentPolicy$Inherit
      dev.orchestra.role.Skill
      dev.orchestra.testing.ManualClock
      dev.orchestra.testing.Reply
      dev.orchestra.testing.RoleAnswers
      dev.orchestra.testing.ScriptedModelProvider
      dev.orchestra.testing.ScriptedModelProvider$Script
      """;

  static List<Class<?>> allMainClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(Role.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
        String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (name.endsWith(".package-info")) {
          continue;
        }
        out.add(Class.forName(name, false, ApiSurfaceTest.class.getClassLoader()));
      }
    }
    return out;
  }

  static List<Class<?>> publicApiClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c : allMainClasses()) {
      if (!c.getName().startsWith(INTERNAL) && Modifier.isPublic(c.getModifiers())) {
        out.add(c);
      }
    }
    return out;
  }

  /** Whether code outside the package can name the type: it and every type around it are public. */
  private static boolean visibleOutside(Class<?> c) {
    for (Class<?> t = c; t != null; t = t.getEnclosingClass()) {
      if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic()) {
        return false;
      }
    }
    return true;
  }

  @Test
  void thePublicTypesOfTheApiPackagesAreExactlyTheFrozenList() throws Exception {
    SortedSet<String> actual = new TreeSet<>();
    for (Class<?> c : allMainClasses()) {
      if (API_PACKAGES.contains(c.getPackageName()) && visibleOutside(c)) {
        actual.add(c.getName());
      }
    }
    List<String> frozen = PUBLIC_TYPES.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    assertEquals(new ArrayList<>(new TreeSet<>(frozen)), frozen, "keep PUBLIC_TYPES sorted and without duplicates");
    if (!actual.equals(new TreeSet<>(frozen))) {
      fail(diff(new TreeSet<>(frozen), actual));
    }
  }

  /** A unified-diff-like account of how the public types differ from the frozen list. */
  private static String diff(SortedSet<String> frozen, SortedSet<String> actual) {
    StringBuilder out =
        new StringBuilder(
            "the public types of orchestra-core's API packages changed (- frozen but gone, + public but"
                + " not frozen); if that is intended, update PUBLIC_TYPES in ApiSurfaceTest:\n");
    SortedSet<String> all = new TreeSet<>(frozen);
    all.addAll(actual);
    for (String name : all) {
      if (!actual.contains(name)) {
        out.append("- ").append(name).append('\n');
      } else if (!frozen.contains(name)) {
        out.append("+ ").append(name).append('\n');
      }
    }
    return out.toString();
  }

  @Test
  void everyPackageIsEitherApiOrInternal() throws Exception {
    Set<String> stray = new TreeSet<>();
    for (Class<?> c : allMainClasses()) {
      String pkg = c.getPackageName();
      if (!API_PACKAGES.contains(pkg) && !(pkg + ".").startsWith(INTERNAL)) {
        stray.add(pkg);
      }
    }
    assertTrue(stray.isEmpty(), "add these packages to API_PACKAGES or move them under internal: " + stray);
  }

  @Test
  void noAnonymousClassImplementsAnApiType() throws Exception {
    List<String> anonymous = new ArrayList<>();
    for (Class<?> c : allMainClasses()) {
      if (c.isAnonymousClass()) {
        List<Class<?>> supertypes = new ArrayList<>(List.of(c.getInterfaces()));
        supertypes.add(c.getSuperclass());
        for (Class<?> s : supertypes) {
          if (API_PACKAGES.contains(s.getPackageName()) && visibleOutside(s)) {
            anonymous.add(c.getName() + " implements " + s.getName());
          }
        }
      }
    }
    assertTrue(
        anonymous.isEmpty(),
        "give these implementations of public types a name (a package-private class or enum): " + anonymous);
  }

  @Test
  void publicSignaturesDoNotLeakInternalTypes() throws Exception {
    List<String> leaks = new ArrayList<>();
    List<Class<?>> api = publicApiClasses();
    assertTrue(api.size() > 20, "found the API classes: " + api.size());
    for (Class<?> c : api) {
      leaks.addAll(leaksOf(c));
    }
    assertTrue(leaks.isEmpty(), String.join("\n", leaks));
  }

  /**
   * What a type's users can see that they should not: an internal, Jackson or SLF4J type anywhere
   * in what it extends or implements, its type parameters' bounds, or a reachable member's
   * signature (type arguments, wildcards, bounds and thrown exceptions included); and an {@link
   * Optional} parameter.
   */
  private static List<String> leaksOf(Class<?> c) {
    List<String> leaks = new ArrayList<>();
    check(leaks, c + " extends", c.getGenericSuperclass());
    for (Type t : c.getGenericInterfaces()) {
      check(leaks, c + " implements", t);
    }
    for (TypeVariable<?> v : c.getTypeParameters()) {
      check(leaks, c + "<" + v.getName() + ">", v);
    }
    for (Method m : c.getDeclaredMethods()) {
      if (!m.isSynthetic() && reachable(c, m.getModifiers())) {
        check(leaks, c + "." + m.getName() + " returns", m.getGenericReturnType());
        checkExecutable(leaks, c + "." + m.getName(), m);
      }
    }
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (!k.isSynthetic() && reachable(c, k.getModifiers())) {
        checkExecutable(leaks, c + " constructor", k);
      }
    }
    for (Field f : c.getDeclaredFields()) {
      if (!f.isSynthetic() && reachable(c, f.getModifiers())) {
        check(leaks, c + "." + f.getName(), f.getGenericType());
      }
    }
    return leaks;
  }

  /**
   * Whether users can reach a member: a public one, any non-private one of an interface, or a
   * protected one of a class they may extend.
   */
  private static boolean reachable(Class<?> owner, int modifiers) {
    if (Modifier.isPublic(modifiers)) {
      return true;
    }
    if (owner.isInterface()) {
      return !Modifier.isPrivate(modifiers);
    }
    return Modifier.isProtected(modifiers) && !Modifier.isFinal(owner.getModifiers());
  }

  private static void checkExecutable(List<String> leaks, String where, Executable e) {
    for (Parameter p : e.getParameters()) {
      check(leaks, where + "(" + p.getName() + ")", p.getParameterizedType());
      if (p.getType() == Optional.class) {
        leaks.add(where + " takes an Optional parameter");
      }
    }
    for (Type t : e.getGenericExceptionTypes()) {
      check(leaks, where + " throws", t);
    }
    for (TypeVariable<?> v : e.getTypeParameters()) {
      check(leaks, where + "<" + v.getName() + ">", v);
    }
  }

  private static void check(List<String> leaks, String where, Type type) {
    if (type == null) {
      return;
    }
    for (Class<?> c : mentioned(type, new HashSet<>())) {
      String name = c.getName();
      String through = type.getTypeName().equals(name) ? "" : " (in " + type.getTypeName() + ")";
      if (name.startsWith(INTERNAL)) {
        leaks.add(where + " mentions " + name + through);
      }
      for (String banned : List.of("com.fasterxml.jackson", "org.slf4j")) {
        if (name.startsWith(banned)) {
          leaks.add(where + " exposes " + name + through);
        }
      }
    }
  }

  /** Every class a type names: itself, its type arguments, bounds and array components. */
  private static Set<Class<?>> mentioned(Type type, Set<TypeVariable<?>> seen) {
    Set<Class<?>> out = new HashSet<>();
    if (type instanceof Class<?> c) {
      out.add(c.isArray() ? c.getComponentType() : c);
    } else if (type instanceof ParameterizedType p) {
      out.addAll(mentioned(p.getRawType(), seen));
      if (p.getOwnerType() != null) {
        out.addAll(mentioned(p.getOwnerType(), seen));
      }
      for (Type a : p.getActualTypeArguments()) {
        out.addAll(mentioned(a, seen));
      }
    } else if (type instanceof GenericArrayType g) {
      out.addAll(mentioned(g.getGenericComponentType(), seen));
    } else if (type instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        out.addAll(mentioned(b, seen));
      }
      for (Type b : w.getLowerBounds()) {
        out.addAll(mentioned(b, seen));
      }
    } else if (type instanceof TypeVariable<?> v && seen.add(v)) {
      for (Type b : v.getBounds()) {
        out.addAll(mentioned(b, seen));
      }
    }
    return out;
  }

  /** A type that leaks in every way the check must see; test-only, never part of the API. */
  interface Leaky<T extends List<? super Text>> extends Comparable<Text> {
    List<? extends Text> wildcard();

    <U extends AttemptFailure> void bound(U failure);

    void thrown() throws AttemptFailure;

    Text[] array();

    void optional(Optional<String> value);
  }

  @Test
  void theLeakCheckSeesThroughGenericsBoundsExceptionsAndSupertypes() {
    List<String> leaks = leaksOf(Leaky.class);
    for (String expected :
        List.of(" implements", "<T>", ".wildcard returns", ".bound<U>", ".thrown throws", ".array returns", ".optional takes an Optional")) {
      assertTrue(leaks.stream().anyMatch(l -> l.contains(expected)), "missed" + expected + " in " + leaks);
    }
    assertEquals(8, leaks.size(), String.join("\n", leaks));
  }
}
