package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's public types are exactly the frozen list below; no resilience4j or Jackson type
 * appears in its public signatures; no Optional parameters.
 */
final class ApiSurfaceTest {

  /**
   * Every public top-level and nested type of this module (nested ones only when every enclosing
   * type is public too), by binary name, sorted. Adding or removing a public type is an API change:
   * make it here on purpose, in the same commit.
   */
  private static final String PUBLIC_TYPES =
      """
      dev.orchestra.openai.ApiKey
      dev.orchestra.openai.OpenAiProvider
      dev.orchestra.openai.OpenAiProvider$Builder
      dev.orchestra.openai.OpenAiProviderFactory
      dev.orchestra.openai.OpenAiProviderSettings
      dev.orchestra.openai.RateLimit
      dev.orchestra.openai.RetryPolicy
      dev.orchestra.openai.testing.CodexScript
      dev.orchestra.openai.testing.CodexScript$Step
      dev.orchestra.openai.testing.FakeOpenAiServer
      dev.orchestra.openai.testing.FakeReply
      dev.orchestra.openai.testing.RecordedRequest
      """;

  @Test
  void thePublicTypesAreExactlyTheFrozenList() throws Exception {
    Path root = Path.of(OpenAiProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    SortedSet<String> actual = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (!name.endsWith(".package-info") && visibleOutside(Class.forName(name, false, getClass().getClassLoader()))) {
          actual.add(name);
        }
      }
    }
    List<String> frozen = PUBLIC_TYPES.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    assertEquals(new ArrayList<>(new TreeSet<>(frozen)), frozen, "keep PUBLIC_TYPES sorted and without duplicates");
    SortedSet<String> all = new TreeSet<>(frozen);
    all.addAll(actual);
    StringBuilder diff =
        new StringBuilder(
            "the public types of orchestra-openai changed (- frozen but gone, + public but not frozen);"
                + " if that is intended, update PUBLIC_TYPES in ApiSurfaceTest:\n");
    for (String name : all) {
      if (!actual.contains(name)) {
        diff.append("- ").append(name).append('\n');
      } else if (!frozen.contains(name)) {
        diff.append("+ ").append(name).append('\n');
      }
    }
    if (!actual.equals(new TreeSet<>(frozen))) {
      fail(diff.toString());
    }
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
  void publicSignaturesKeepLibrariesBehindOurApi() throws Exception {
    Path root = Path.of(OpenAiProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> leaks = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> c = Class.forName(name, false, getClass().getClassLoader());
        if (!Modifier.isPublic(c.getModifiers())) {
          continue;
        }
        checked++;
        for (Method m : c.getDeclaredMethods()) {
          if (!Modifier.isPublic(m.getModifiers())) {
            continue;
          }
          List<String> types = new ArrayList<>(List.of(m.getGenericReturnType().getTypeName()));
          for (Parameter p2 : m.getParameters()) {
            types.add(p2.getParameterizedType().getTypeName());
            if (p2.getType() == java.util.Optional.class) {
              leaks.add(c.getName() + "." + m.getName() + " takes an Optional");
            }
          }
          for (String t : types) {
            if (t.contains("io.github.resilience4j") || t.contains("com.fasterxml.jackson")) {
              leaks.add(c.getName() + "." + m.getName() + " exposes " + t);
            }
          }
        }
      }
    }
    assertTrue(checked >= 8, "found the public classes: " + checked);
    assertTrue(leaks.isEmpty(), String.join("\n", leaks));
  }
}
