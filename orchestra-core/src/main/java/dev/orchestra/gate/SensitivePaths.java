package dev.orchestra.gate;

import static dev.orchestra.gate.Vocabulary.phrases;
import static dev.orchestra.gate.Vocabulary.spells;

import dev.orchestra.gate.SensitivityCheck.Hit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The words and file names that make a changed path sensitive ({@code auth/}, {@code .env},
 * {@code id_rsa}). Its own class because a path is judged apart from lines, on its words alone.
 */
final class SensitivePaths {
  /** File names that hold secrets by convention: key files, dotenv files, registry credentials. */
  private static final Pattern SECRET_FILE_NAME =
      Pattern.compile(
          "^(?:\\.env(?:\\..+)?|.+\\.(?:pem|key|p12|pfx|jks|keystore|kdbx)|id_(?:rsa|dsa|ecdsa|ed25519)|\\.npmrc|\\.pypirc"
              + "|\\.netrc|\\.htpasswd|\\.git-credentials|credentials(?:\\.json)?)$");
  private static final Set<String> AUTHENTICATION_PATH_WORDS =
      Set.of("auth", "authn", "authentication", "authenticate", "authenticator", "login", "logout", "signin", "signout",
          "oauth", "oauth2", "jwt", "sso", "saml", "oidc", "openid", "password", "passwords", "passwd", "mfa", "totp",
          "csrf", "webauthn", "passkey", "passkeys");
  private static final Set<String> SECRETS_PATH_WORDS = Set.of("credential", "credentials", "apikey", "keystore", "truststore");
  private static final Set<String> PERMISSIONS_PATH_WORDS =
      Set.of("permission", "permissions", "acl", "acls", "rbac", "authz", "authorization", "authorisation", "sudoers", "security");
  private static final Set<String> CRYPTOGRAPHY_PATH_WORDS =
      Set.of("crypto", "cryptography", "cipher", "encryption", "tls", "ssl", "certs", "certificates", "pki");
  private static final Map<String, List<List<String>>> AUTHENTICATION_PATH_PHRASES = phrases("sign in", "log in");

  private SensitivePaths() {}

  /**
   * Whether a path names a sensitive place. Documentation, stylesheets, tests and lockfiles do not
   * count, whatever their folder: {@code docs/auth.md} describes authentication and changes none.
   */
  static Optional<Hit> hit(String path) {
    FileType type = FileType.of(path);
    if (type.kind().keyMaterialOnly()) {
      return Optional.empty();
    }
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    if (SECRET_FILE_NAME.matcher(name).matches()) {
      return Optional.of(new Hit(SensitivityCheck.SECRETS, name));
    }
    Line l = new Line(path, "", type);
    for (int i = 0; i < l.words.size(); i++) {
      String w = l.words.get(i).text();
      if (AUTHENTICATION_PATH_WORDS.contains(w)) {
        return Optional.of(new Hit(SensitivityCheck.AUTHENTICATION, w));
      }
      for (List<String> p : AUTHENTICATION_PATH_PHRASES.getOrDefault(w, List.of())) {
        if (spells(l, i, p, true)) {
          return Optional.of(new Hit(SensitivityCheck.AUTHENTICATION, l.span(i, i + p.size() - 1)));
        }
      }
      if (SECRETS_PATH_WORDS.contains(w) || SecretRules.secretNoun(l, i)) {
        return Optional.of(new Hit(SensitivityCheck.SECRETS, w));
      }
      if (PERMISSIONS_PATH_WORDS.contains(w)) {
        return Optional.of(new Hit(SensitivityCheck.PERMISSIONS, w));
      }
      if (CRYPTOGRAPHY_PATH_WORDS.contains(w)) {
        return Optional.of(new Hit(SensitivityCheck.CRYPTOGRAPHY, w));
      }
    }
    return Optional.empty();
  }
}
