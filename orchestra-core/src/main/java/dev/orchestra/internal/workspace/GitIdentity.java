package dev.orchestra.internal.workspace;

import java.util.Objects;

/** The author and committer of Orchestra's commits. */
public record GitIdentity(String name, String email) {
  /** Orchestra's own, for when the caller names none. */
  public static final GitIdentity ORCHESTRA = new GitIdentity("Orchestra", "orchestra@localhost");

  /** Validates the components. */
  public GitIdentity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(email, "email");
    if (name.isBlank() || email.isBlank() || (name + email).chars().anyMatch(c -> c < 0x20 || c == '<' || c == '>')) {
      throw new IllegalArgumentException("a commit identity needs a name and an email on one line without '<' or '>', got " + name + " <" + email + ">");
    }
  }
}
