package dev.orchestra.gate;

import static dev.orchestra.gate.Vocabulary.calls;
import static dev.orchestra.gate.Vocabulary.findPhrases;
import static dev.orchestra.gate.Vocabulary.findWords;
import static dev.orchestra.gate.Vocabulary.phrases;
import static dev.orchestra.gate.Vocabulary.startsPhrase;

import dev.orchestra.gate.SensitivityCheck.Best;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of two categories, user data and its logging: logging counts when a call's arguments
 * carry a user's data or secrets, which share one vocabulary with user data itself.
 */
final class UserDataRules {
  /** Calls that write to a log or the console, in the usual spellings of each language. */
  private static final Pattern LOG_CALL =
      calls(
          "(?:log|logger|logging|console|slog|_log|_logger)\\s*\\.\\s*(?:trace|debug|info|warn|warning|error|fatal"
              + "|critical|exception|log|print|printf|println|debugf|infof|warnf|errorf|fatalf)\\s*[({]"
              + "|System\\.(?:out|err)\\.print(?:ln|f)?\\s*\\(|(?<![.$])print\\s*\\(|fmt\\.Print(?:f|ln)?\\s*\\("
              + "|(?:e?println|e?print|dbg|trace|debug|info|warn|error)!\\s*\\(",
          "(?:^|[\\s;&|(])echo\\s");
  /** Words that, in a logging call's arguments, mean a user's or a system's secrets go to the log. */
  private static final Set<String> LOGGED_WORDS =
      Set.of("password", "passwords", "passwd", "passphrase", "pwd", "secret", "secrets", "credential", "credentials",
          "email", "emails", "phone", "ssn", "dob", "birthdate", "birthday", "iban", "cvv", "passport",
          "headers", "cookie", "cookies", "authorization", "otp");
  private static final Set<String> REQUEST_HOLDERS = Set.of("req", "request");
  private static final Set<String> REQUEST_CONTENT = Set.of("body", "json", "form", "data", "files", "post");

  private UserDataRules() {}

  static void loggedUserData(Line l, Best best) {
    Matcher m = LOG_CALL.matcher(l.text);
    while (m.find()) {
      for (int i = 0; i < l.words.size(); i++) {
        Word w = l.words.get(i);
        if (w.start() < m.end()) {
          continue;
        }
        if (LOGGED_WORDS.contains(w.text()) || USER_DATA_WORDS.contains(w.text()) || startsPhrase(l, i, USER_DATA_PHRASES)
            || SecretRules.credentialToken(l, i) || requestContent(l, i)) {
          best.offer(m.start(), m.group().strip().toLowerCase(Locale.ROOT) + "..." + w.text());
          return;
        }
      }
    }
  }

  /** {@code request.body}, {@code req.json}, {@code request.get_json()}: what a client sent. */
  private static boolean requestContent(Line l, int i) {
    if (!REQUEST_HOLDERS.contains(l.words.get(i).text()) || i + 1 >= l.words.size()
        || !l.text.startsWith(".", l.words.get(i).end())) {
      return false;
    }
    int next = l.words.get(i + 1).group();
    for (int k = i + 1; k < l.words.size() && l.words.get(k).group() == next; k++) {
      if (REQUEST_CONTENT.contains(l.words.get(k).text())) {
        return true;
      }
    }
    return false;
  }

  private static final Set<String> USER_DATA_WORDS =
      Set.of("email", "emails", "ssn", "dob", "birthdate", "pii", "gdpr", "iban", "cvv", "passport");
  private static final Map<String, List<List<String>>> USER_DATA_PHRASES =
      phrases("e mail", "phone number", "birth date", "date of birth", "personal data", "user data", "customer data",
          "credit card", "card number", "social security", "home address", "street address", "billing address",
          "shipping address", "postal address");

  static void userData(Line l, Best best) {
    findWords(l, USER_DATA_WORDS, best);
    findPhrases(l, USER_DATA_PHRASES, false, best);
  }
}
