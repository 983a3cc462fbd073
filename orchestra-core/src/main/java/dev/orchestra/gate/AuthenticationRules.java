package dev.orchestra.gate;

import static dev.orchestra.gate.Vocabulary.findPattern;
import static dev.orchestra.gate.Vocabulary.findPhrases;
import static dev.orchestra.gate.Vocabulary.findWords;
import static dev.orchestra.gate.Vocabulary.phrases;

import dev.orchestra.gate.SensitivityCheck.Best;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of the authentication category. Their own class because a {@code session} takes
 * telling apart: a login session counts, a jam session or a database session does not.
 */
final class AuthenticationRules {
  private static final Set<String> AUTHENTICATION_WORDS =
      Set.of("auth", "authn", "authenticate", "authenticated", "authenticates", "authenticating", "authentication",
          "authenticator", "unauthenticated", "reauthenticate", "login", "logins", "logon", "logout", "signin",
          "signout", "signup", "password", "passwords", "passwd", "passphrase", "oauth", "oauth2", "jwt", "jwts", "jwk",
          "jwks", "sso", "saml", "oidc", "openid", "mfa", "totp", "otp", "2fa", "csrf", "xsrf", "webauthn", "passkey",
          "passkeys", "kerberos", "ldap", "impersonate", "impersonation");
  /** Phrases that name authentication only inside one identifier: {@code logIn}, {@code HttpOnly}. */
  private static final Map<String, List<List<String>>> AUTHENTICATION_IDENTIFIERS =
      phrases("sign in", "sign out", "log in", "log out", "http only", "same site", "set cookie");
  private static final Map<String, List<List<String>>> AUTHENTICATION_PHRASES =
      phrases("document cookie", "request cookies", "req cookies", "two factor");
  /** Session APIs of web frameworks, which need no further context. */
  private static final Pattern WEB_SESSION_CALLS =
      Pattern.compile("\\bgetSession\\s*\\(|\\bsession\\s*\\[|\\$_SESSION\\b|\\bsession_start\\s*\\(|\\.cookie\\s*\\(");
  /** Words that, before {@code session} in one identifier, make it a web session: {@code HttpSession}. */
  static final Set<String> WEB_SESSION_QUALIFIERS =
      Set.of("http", "web", "user", "login", "auth", "browser", "cookie", "express", "flask", "php", "server", "secure",
          "remember", "django", "servlet");
  /** Words before {@code session} that say nothing of its kind: {@code currentSession}. */
  static final Set<String> NEUTRAL_SESSION_PREFIXES =
      Set.of("get", "set", "new", "create", "open", "close", "start", "end", "current", "active", "my", "the", "this",
          "default", "to", "from", "is", "has", "init", "load", "save", "find", "validate", "check", "destroy",
          "invalidate", "clear", "refresh", "renew", "update", "with");
  /** Words next to {@code session} that make it the login kind: {@code session id}, {@code session.invalidate()}. */
  private static final Set<String> SESSION_CONTEXT =
      Set.of("id", "ids", "cookie", "cookies", "token", "tokens", "key", "secret", "store", "storage", "table",
          "expiry", "expires", "expire", "expired", "expiration", "timeout", "ttl", "lifetime", "invalidate",
          "invalidated", "fixation", "hijack", "hijacking", "login", "logout", "auth", "csrf", "attribute",
          "attributes", "permanent", "regenerate", "middleware");
  private static final Set<String> SESSION_HOLDERS = Set.of("req", "request", "ctx", "context", "flask");

  private AuthenticationRules() {}

  static void authentication(Line l, Best best) {
    findWords(l, AUTHENTICATION_WORDS, best);
    findPhrases(l, AUTHENTICATION_IDENTIFIERS, true, best);
    findPhrases(l, AUTHENTICATION_PHRASES, false, best);
    findPattern(l, WEB_SESSION_CALLS, best);
    for (int i = 0; i < l.words.size(); i++) {
      if (webSession(l, i)) {
        best.offer(l.words.get(i).start(), l.span(i, i));
        return;
      }
    }
  }

  /**
   * Whether word i is a login session. A session named by another kind ({@code JamSession},
   * {@code dbSession}) is that kind, and so is a bare {@code session} on a line that names one; a
   * bare one counts next to what web sessions have: an id, a cookie, a timeout, a store.
   */
  private static boolean webSession(Line l, int i) {
    if (!isSession(l.words.get(i))) {
      return false;
    }
    Optional<Word> qualifier = l.before(i);
    if (qualifier.isPresent() && WEB_SESSION_QUALIFIERS.contains(qualifier.get().text())) {
      return true;
    }
    if (qualifier.isPresent() && !NEUTRAL_SESSION_PREFIXES.contains(qualifier.get().text())) {
      return false;
    }
    if (l.namesOtherSession()) {
      return false;
    }
    if (l.near(i) && SESSION_CONTEXT.contains(l.words.get(i + 1).text())) {
      return true;
    }
    return i > 0 && l.text.startsWith(".", l.words.get(i - 1).end()) && l.words.get(i - 1).end() + 1 == l.words.get(i).start()
        && SESSION_HOLDERS.contains(l.words.get(i - 1).text());
  }

  static boolean isSession(Word w) {
    return w.text().equals("session") || w.text().equals("sessions");
  }
}
