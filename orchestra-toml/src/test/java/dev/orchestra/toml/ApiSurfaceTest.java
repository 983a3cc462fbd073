package dev.orchestra.toml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the public surface small and clean: no leaked package-private types, no Optional parameters. */
final class ApiSurfaceTest {
  private static final Set<String> PUBLIC_TYPES = Set.of(
      "AgentRole", "CodexConfig", "CodexConfig$Builder", "CodexConfigException", "CodexSettings",
      "CodexSettings$McpServer", "CodexSettings$McpTransport", "CodexSettings$ModelProvider",
      "CodexSettings$ReasoningSummary", "CodexSettings$SandboxWorkspaceWrite", "CodexSettings$ShellEnvironmentPolicy",
      "CodexSettings$Verbosity", "ConfigEditor", "Diagnostic", "Diagnostic$Severity", "LoadedConfig", "RoleMapping",
      "StarterPack", "StarterPack$Builder", "StarterPack$Tier", "ThreadCap");

  private static List<Class<?>> mainClasses() throws Exception {
    Path dir = Path.of(CodexConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve("dev/orchestra/toml");
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith(".class") && !name.equals("package-info.class")) {
          out.add(Class.forName("dev.orchestra.toml." + name.substring(0, name.length() - 6)));
        }
      }
    }
    return out;
  }

  @Test
  void onlyTheDocumentedTypesArePublic() throws Exception {
    Set<String> actual = new TreeSet<>();
    for (Class<?> c : mainClasses()) {
      if (Modifier.isPublic(c.getModifiers()) && !c.isAnonymousClass()) {
        actual.add(c.getName().substring("dev.orchestra.toml.".length()));
      }
    }
    assertEquals(new TreeSet<>(PUBLIC_TYPES), actual);
  }

  @Test
  void publicSignaturesMentionOnlyPublicTypesAndTakeNoOptional() throws Exception {
    List<String> problems = new ArrayList<>();
    for (Class<?> c : mainClasses()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        continue;
      }
      List<Executable> members = new ArrayList<>(List.of(c.getDeclaredMethods()));
      members.addAll(List.of(c.getDeclaredConstructors()));
      for (Executable m : members) {
        if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic()) {
          continue;
        }
        List<Type> types = new ArrayList<>();
        if (m instanceof Method) {
          types.add(((Method) m).getGenericReturnType());
        }
        for (Parameter p : m.getParameters()) {
          types.add(p.getParameterizedType());
          if (p.getType() == Optional.class) {
            problems.add(c.getSimpleName() + "." + m.getName() + " takes an Optional");
          }
        }
        for (Type t : types) {
          check(t, c.getSimpleName() + "." + m.getName(), problems);
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private static void check(Type t, String where, List<String> problems) {
    if (t instanceof ParameterizedType) {
      check(((ParameterizedType) t).getRawType(), where, problems);
      for (Type a : ((ParameterizedType) t).getActualTypeArguments()) {
        check(a, where, problems);
      }
    } else if (t instanceof Class && !((Class<?>) t).isPrimitive() && !((Class<?>) t).isArray()) {
      Class<?> c = (Class<?>) t;
      if (!Modifier.isPublic(c.getModifiers())) {
        problems.add(where + " exposes non-public " + c.getName());
      }
      if (c.getPackageName().startsWith("org.tomlj")) {
        problems.add(where + " exposes tomlj type " + c.getName());
      }
    }
  }
}
