package dev.orchestra.gate;

import static dev.orchestra.gate.Vocabulary.findPattern;
import static dev.orchestra.gate.Vocabulary.findPhrases;
import static dev.orchestra.gate.Vocabulary.findWords;
import static dev.orchestra.gate.Vocabulary.phrases;
import static dev.orchestra.gate.Vocabulary.spells;

import dev.orchestra.gate.SensitivityCheck.Best;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of the secrets and credentials category: key material, credential names, and a
 * literal given to a name that holds a secret. Their own class because {@code secret} and
 * {@code token} count only as nouns for credentials, and a secret's value is never quoted.
 */
final class SecretRules {
  /** Key material and tokens in the shapes their issuers give them; case matters here. */
  private static final Pattern KEY_MATERIAL =
      Pattern.compile(
          "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----|\\b(?:AKIA[0-9A-Z]{16}\\b|gh[pousr]_[A-Za-z0-9]{36,}\\b"
              + "|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}"
              + "|sk-(?:proj-|live-)?[A-Za-z0-9]{20,}|[rsp]k_(?:live|test)_[A-Za-z0-9]{10,}|AIza[0-9A-Za-z_-]{35}\\b"
              + "|npm_[A-Za-z0-9]{36}\\b)");
  /** A user name and password inside a URL: {@code postgres://app:hunter2@db}. */
  private static final Pattern CREDENTIALS_IN_URL = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*)://[^\\s/:@'\"]+:[^\\s/@'\"]+@");
  private static final Pattern KEY_FILE_REFERENCES =
      Pattern.compile("(?i)\\.(?:pem|p12|pfx|jks|keystore)\\b|\\bid_(?:rsa|ed25519|ecdsa|dsa)\\b|\\.(?:npmrc|pypirc|netrc|htpasswd)\\b");
  private static final Set<String> SECRETS_WORDS =
      Set.of("credential", "credentials", "apikey", "bearer", "keystore", "truststore", "keyring", "secretsmanager", "kms",
          "privatekey");
  private static final Map<String, List<List<String>>> SECRETS_PHRASES =
      phrases("api key", "api keys", "private key", "access key", "signing key", "encryption key", "master key",
          "ssh key", "client secret", "service account key");
  /** What follows {@code secret} in one identifier when it is the noun: {@code SECRET_KEY}, {@code secretRef}. */
  private static final Set<String> SECRET_COMPANIONS =
      Set.of("key", "keys", "token", "tokens", "id", "value", "values", "ref", "name", "manager", "store", "file",
          "path", "arn", "access", "hash", "string", "bytes", "env", "provider", "version", "data", "source", "engine",
          "rotation");
  /** What makes a {@code token} a credential when it comes before it: {@code accessToken}. */
  private static final Set<String> TOKEN_QUALIFIERS =
      Set.of("access", "refresh", "auth", "api", "bearer", "id", "session", "csrf", "xsrf", "reset", "verification",
          "verify", "personal", "oauth", "jwt", "device", "bot", "github", "gitlab", "slack", "npm", "pypi", "deploy",
          "service", "security", "secret", "signed", "magic", "invite", "invitation", "confirmation", "remember",
          "login", "registration", "push", "app", "client", "user", "admin", "sso");
  private static final Set<String> TOKEN_COMPANIONS = Set.of("secret", "expiry", "expires", "expiration", "ttl", "revoke", "revoked");
  /** The last word of a name that holds a secret: {@code DB_PASSWORD}, {@code authToken}. */
  private static final Set<String> SECRET_NAMES =
      Set.of("password", "passwd", "passphrase", "pwd", "secret", "token", "credential", "credentials", "apikey", "privatekey");
  private static final Pattern QUOTED_VALUE =
      Pattern.compile("^(?:\\[\\]byte\\(|Buffer\\.from\\(|bytes\\(|[bru]|&)?\\s*([\"'`])(.*?)\\1");
  private static final Pattern TYPE_ANNOTATION = Pattern.compile("^[\\s\\w&\\[\\]<>,.':]*$");
  private static final Set<String> EMPTY_VALUES = Set.of("null", "nil", "none", "~", "true", "false", "\"\"", "''", "|", ">");

  private SecretRules() {}

  static void secrets(Line l, Best best) {
    keyMaterial(l, best);
    findPattern(l, KEY_FILE_REFERENCES, best);
    findWords(l, SECRETS_WORDS, best);
    findPhrases(l, SECRETS_PHRASES, false, best);
    for (int i = 0; i < l.words.size(); i++) {
      if (secretNoun(l, i) || credentialToken(l, i)) {
        // SECRET_KEY reads better than 'secret', accessToken than 'token'
        int from = l.before(i).isPresent() && credentialToken(l, i) ? i - 1 : i;
        int to = l.after(i).isPresent() && secretNoun(l, i) ? i + 1 : i;
        best.offer(l.words.get(from).start(), l.span(from, to));
        break;
      }
    }
    secretAssignment(l, best);
  }

  /** Key material, reported by its first characters only: the reason ends up in events. */
  static void keyMaterial(Line l, Best best) {
    Matcher m = KEY_MATERIAL.matcher(l.text);
    if (m.find()) {
      best.offer(m.start(), m.group().startsWith("-----") ? "private key block" : m.group().substring(0, 4) + "...");
    }
    if (l.text.contains("://")) {
      Matcher u = CREDENTIALS_IN_URL.matcher(l.text);
      if (u.find()) {
        best.offer(u.start(), u.group(1).toLowerCase(Locale.ROOT) + "://...:...@");
      }
    }
  }

  /**
   * Whether word i is {@code secret} the noun. It is when it ends its identifier and no plain word
   * follows it ({@code clientSecret}, {@code secret:}, {@code secrets.TOKEN}), or when a word a
   * secret has follows ({@code secret_key}, {@code secret store}); it is the adjective in
   * {@code SecretLevel} and in "a secret level".
   */
  static boolean secretNoun(Line l, int i) {
    Word w = l.words.get(i);
    if (!w.text().equals("secret") && !w.text().equals("secrets")) {
      return false;
    }
    Optional<Word> next = l.after(i);
    if (next.isPresent()) {
      return SECRET_COMPANIONS.contains(next.get().text());
    }
    if (i + 1 < l.words.size() && l.text.substring(w.end(), l.words.get(i + 1).start()).isBlank()) {
      return SECRET_COMPANIONS.contains(l.words.get(i + 1).text());
    }
    return true;
  }

  /**
   * Whether word i is a credential {@code token}: qualified ({@code accessToken}, {@code csrf
   * token}), followed by what credentials have ({@code tokenExpiry}), or ending a constant's or
   * environment variable's name ({@code DEPLOY_TOKEN}). A tokenizer's {@code Token} is none of these.
   */
  static boolean credentialToken(Line l, int i) {
    Word w = l.words.get(i);
    if (!w.text().equals("token") && !w.text().equals("tokens")) {
      return false;
    }
    if (i > 0 && l.joined(i - 1) && TOKEN_QUALIFIERS.contains(l.words.get(i - 1).text())) {
      return true;
    }
    Optional<Word> next = l.after(i);
    if (next.isPresent() && TOKEN_COMPANIONS.contains(next.get().text())) {
      return true;
    }
    return w.upperGroup() && w.text().equals("token") && l.before(i).isPresent() && next.isEmpty();
  }

  /**
   * A name that holds a secret given a literal: {@code password = "hunter2"}, {@code API_KEY: "..."},
   * {@code const TOKEN: &str = "..."}, and in configuration files a bare value ({@code token = 1}). A
   * value read from the environment or a placeholder is not a secret in the change.
   */
  private static void secretAssignment(Line l, Best best) {
    List<Word> ws = l.words;
    int i = 0;
    while (i < ws.size()) {
      int j = i;
      while (j + 1 < ws.size() && ws.get(j + 1).group() == ws.get(i).group()) {
        j++;
      }
      if (namesSecret(l, i, j) && assignsLiteral(l, ws.get(j).end())) {
        best.offer(ws.get(i).start(), l.span(i, j));
        return;
      }
      i = j + 1;
    }
  }

  private static boolean namesSecret(Line l, int first, int last) {
    if (SECRET_NAMES.contains(l.words.get(last).text())) {
      return true;
    }
    for (int k = first; k < last; k++) {
      for (List<String> p : SECRETS_PHRASES.getOrDefault(l.words.get(k).text(), List.of())) {
        if (spells(l, k, p, true) && k + p.size() - 1 <= last) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean assignsLiteral(Line l, int from) {
    String s = l.text;
    int k = from;
    if (k < s.length() && (s.charAt(k) == '"' || s.charAt(k) == '\'')) {
      k++; // a quoted key's closing quote, as in JSON
    }
    k = skipSpaces(s, k);
    if (s.startsWith(":=", k) || s.startsWith("=>", k)) {
      k += 2;
    } else if (s.startsWith("=", k) && !s.startsWith("==", k)) {
      k += 1;
    } else if (s.startsWith(":", k) && !s.startsWith("::", k)) {
      k += 1;
      int eq = s.indexOf('=', k);
      // name: Type = value, as Rust, TypeScript and Kotlin declare; otherwise a mapping's key: value
      if (eq > 0 && !s.startsWith("==", eq) && TYPE_ANNOTATION.matcher(s.substring(k, eq)).matches()) {
        k = eq + 1;
      }
    } else {
      return false;
    }
    String value = s.substring(skipSpaces(s, k));
    Matcher q = QUOTED_VALUE.matcher(value);
    if (q.find()) {
      String v = q.group(2);
      return v.length() >= 4 && v.chars().noneMatch(Character::isWhitespace) && !placeholder(v)
          && v.chars().distinct().count() > 1 && !EMPTY_VALUES.contains(v.toLowerCase(Locale.ROOT));
    }
    if (l.type.kind() != FileType.Kind.CONFIG) {
      return false;
    }
    int comment = value.indexOf(" #");
    String bare = (comment >= 0 ? value.substring(0, comment) : value).strip();
    return !bare.isEmpty() && !placeholder(bare) && !EMPTY_VALUES.contains(bare.toLowerCase(Locale.ROOT));
  }

  /** Environment lookups, templates and angle-bracket placeholders stand for a value kept elsewhere. */
  private static boolean placeholder(String v) {
    return v.startsWith("$") || v.startsWith("{{") || v.startsWith("%") || v.startsWith("<") || v.startsWith("!")
        || v.contains("${") || v.contains("{{") || v.startsWith("env(") || v.startsWith("ENV[");
  }

  private static int skipSpaces(String s, int k) {
    while (k < s.length() && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) {
      k++;
    }
    return k;
  }
}
