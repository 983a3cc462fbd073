package dev.orchestra.internal.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class WriteScopesTest {
  @ParameterizedTest
  @CsvSource({
    "src/**, src/a/B.java, true",
    "src/**, src/B.java, true",
    "src/**, test/B.java, false",
    "src, src/a/B.java, true",
    "src/, src/a/B.java, true",
    "src/a.txt, src/a.txt, true",
    "src/a.txt, src/a.txt.bak, false",
    "*.md, README.md, true",
    "*.md, docs/README.md, false",
    "./docs/*.md, docs/x.md, true",
  })
  void coversPaths(String scope, String path, boolean expected) {
    assertEquals(expected, WriteScopes.covers(List.of(scope), path));
  }

  @ParameterizedTest
  @CsvSource({
    "src/a.txt, src/a.txt, true",
    "src/a.txt, src/b.txt, false",
    "src, src/a.txt, true",
    "src/**, src/a/b.txt, true",
    "src/**, test/a.txt, false",
    "src/**/*.java, src, true",
    "src/*.java, src/Foo.java, true",
    "src/*.java, src/Foo.txt, false",
    "src/**, src/main/**, true",
    "src/main/**, src/test/**, false",
    "**, anything/at/all.txt, true",
    "*.md, src/**, true",
    "docs/*.md, src/**, false",
    "src/*/App.java, src/main, true",
    "src/*/App.java, src/main/Other.java, false",
    "src/*.java, src/Foo.java/x, false",
  })
  void overlapIsSymmetricAndConservativeForGlobs(String a, String b, boolean expected) {
    assertEquals(expected, WriteScopes.overlap(List.of(a), List.of(b)));
    assertEquals(expected, WriteScopes.overlap(List.of(b), List.of(a)));
  }

  @Test
  void aCompiledScopeKnowsTheListItCameFromAndComparesAsTheListsDo() {
    List<String> scope = List.of("./src/main/", "docs/*.md");
    WriteScopes.Compiled compiled = WriteScopes.compile(scope);
    assertTrue(compiled.compiledFrom(scope));
    assertFalse(compiled.compiledFrom(new ArrayList<>(scope)), "an equal list is another list: a cache must compile it again");
    assertTrue(compiled.overlaps(WriteScopes.compile(List.of("src/main/App.java"))));
    assertTrue(compiled.overlaps(WriteScopes.compile(List.of("docs/**"))));
    assertFalse(compiled.overlaps(WriteScopes.compile(List.of("src/test/AppTest.java", "README.md"))));
    assertFalse(compiled.overlaps(WriteScopes.compile(List.of())), "an empty scope's meaning is the caller's");
  }
}
