package dev.orchestra.openai;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No resilience4j or Jackson type appears in this module's public signatures; no Optional parameters. */
final class ApiSurfaceTest {
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
