package dev.orchestra;

import dev.orchestra.role.Role;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API stays clean: no public signature outside {@code internal} mentions an internal
 * type, and no public method takes an {@link Optional} parameter.
 */
final class ApiSurfaceTest {

  static List<Class<?>> publicApiClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(Role.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (name.startsWith("dev.orchestra.internal.")) {
          continue;
        }
        Class<?> c = Class.forName(name, false, ApiSurfaceTest.class.getClassLoader());
        if (Modifier.isPublic(c.getModifiers())) {
          out.add(c);
        }
      }
    }
    return out;
  }

  @Test
  void publicSignaturesDoNotLeakInternalTypes() throws Exception {
    List<String> leaks = new ArrayList<>();
    List<Class<?>> api = publicApiClasses();
    assertTrue(api.size() > 20, "found the API classes: " + api.size());
    for (Class<?> c : api) {
      for (Method m : c.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers()) && !(c.isInterface() && !Modifier.isPrivate(m.getModifiers()))) {
          continue;
        }
        check(leaks, c + "." + m.getName() + " returns", m.getGenericReturnType());
        for (Parameter p : m.getParameters()) {
          check(leaks, c + "." + m.getName() + "(" + p.getName() + ")", p.getParameterizedType());
          if (p.getType() == Optional.class) {
            leaks.add(c + "." + m.getName() + " takes an Optional parameter");
          }
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (Modifier.isPublic(k.getModifiers())) {
          for (Parameter p : k.getParameters()) {
            check(leaks, c + " constructor(" + p.getName() + ")", p.getParameterizedType());
          }
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isPublic(f.getModifiers())) {
          check(leaks, c + "." + f.getName(), f.getGenericType());
        }
      }
    }
    assertTrue(leaks.isEmpty(), String.join("\n", leaks));
  }

  private static void check(List<String> leaks, String where, Type type) {
    String t = type.getTypeName();
    if (t.contains("dev.orchestra.internal.")) {
      leaks.add(where + " mentions " + t);
    }
    for (String banned : List.of("com.fasterxml.jackson", "org.slf4j")) {
      if (t.contains(banned)) {
        leaks.add(where + " exposes " + t);
      }
    }
  }
}
