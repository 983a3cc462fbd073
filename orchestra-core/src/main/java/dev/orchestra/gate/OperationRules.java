package dev.orchestra.gate;

import static dev.orchestra.gate.Vocabulary.calls;
import static dev.orchestra.gate.Vocabulary.findPattern;
import static dev.orchestra.gate.Vocabulary.findPhrases;
import static dev.orchestra.gate.Vocabulary.findWords;
import static dev.orchestra.gate.Vocabulary.phrases;

import dev.orchestra.gate.SensitivityCheck.Best;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of the categories a line falls in by what its code does: permissions, command
 * execution, external fetches, file access, cryptography, deserialisation and SQL built from
 * input. Together because each is matched mostly by the calls that do it.
 */
final class OperationRules {
  private OperationRules() {}

  // ------------------------------------------------------------------ permissions

  private static final Set<String> PERMISSIONS_WORDS =
      Set.of("permission", "permissions", "authorize", "authorized", "authorizes", "authorizing", "authorization",
          "authorise", "authorised", "authorisation", "unauthorized", "unauthorised", "authz", "acl", "acls", "rbac",
          "abac", "privilege", "privileges", "privileged", "sudo", "sudoers", "setuid", "setgid", "chmod", "chown",
          "chgrp", "umask", "icacls", "setfacl", "forbidden", "cors", "allowlist", "whitelist", "denylist", "blacklist",
          "blocklist", "security", "superuser");
  private static final Map<String, List<List<String>>> PERMISSIONS_PHRASES =
      phrases("is admin", "is staff", "is superuser", "is owner", "has role", "has roles", "has any role",
          "has authority", "require role", "requires role", "roles allowed", "permit all", "allow origin",
          "allowed origins", "allowed hosts", "allowed domains", "allowed ips", "allowed urls", "allowed redirects",
          "allowed users", "allowed roles", "run as user", "run as root", "run as non root", "host network", "host pid");
  private static final Pattern PERMISSIONS_CALLS =
      Pattern.compile(
          "(?i)\\bpull_request_target\\b|\\b(?:grant|revoke)\\s+(?:all|select|insert|update|delete|usage|execute|connect"
              + "|create|references|trigger|truncate)\\b|\\bset(?:Executable|Readable|Writable)\\s*\\(");

  static void permissions(Line l, Best best) {
    findWords(l, PERMISSIONS_WORDS, best);
    findPhrases(l, PERMISSIONS_PHRASES, false, best);
    findPattern(l, PERMISSIONS_CALLS, best);
  }

  // ------------------------------------------------------------------ command execution

  private static final Pattern EXECUTION_CALLS =
      calls(
          "Runtime\\.getRuntime\\(\\)\\.exec\\b|Runtime\\.exec\\b|ProcessBuilder\\b|subprocess\\."
              + "|os\\.(?:system|popen|exec[lv]p?e?|spawn[lv]p?e?)\\s*\\(|child_process\\b"
              + "|(?:execSync|execFileSync|execFile|spawnSync)\\s*\\(|(?<![.$:])(?:exec|spawn|system|popen|eval)\\s*\\("
              + "|new\\s+Function\\s*\\(|exec\\.Command(?:Context)?\\s*\\(|syscall\\.Exec\\b|std::process::Command\\b"
              + "|Command::new\\s*\\(|shell\\s*=\\s*True\\b|pexpect\\.|create_subprocess_(?:exec|shell)\\b"
              + "|(?:sh|bash|zsh)\\s+-c\\b",
          "\"os/exec\"|\\|\\s*(?:sudo\\s+)?(?:ba|z)?sh\\b|^\\s*eval\\s");

  static void execution(Line l, Best best) {
    findPattern(l, EXECUTION_CALLS, best);
  }

  // ------------------------------------------------------------------ external fetches and URLs

  private static final Pattern FETCH_CALLS =
      calls(
          "new\\s+URL\\s*\\(|RestTemplate\\b|WebClient\\b|Jsoup\\.connect\\b|fetch\\("
              + "|requests\\.(?:get|post|put|patch|delete|head|request|Session)\\b|urllib\\d?\\b|urlopen\\s*\\(|httpx\\."
              + "|aiohttp\\b|http\\.client\\b|pycurl\\b|axios\\b|XMLHttpRequest\\b|https?\\.(?:get|request)\\s*\\("
              + "|node-fetch\\b|superagent\\b|new\\s+(?:WebSocket|EventSource)\\s*\\("
              + "|http\\.(?:Get|Post|PostForm|Head|NewRequest(?:WithContext)?|DefaultClient|Client|Transport)\\b"
              + "|net\\.Dial\\w*\\s*\\(|reqwest\\b|ureq::|hyper::client\\b|surf::|TcpStream::connect\\b|curl\\b|wget\\b"
              + "|Invoke-WebRequest\\b|new\\s+Socket\\s*\\(|socket\\.(?:connect|create_connection)\\b",
          "httpclient|urlconnection|\\.openStream\\s*\\(|\\.openConnection\\s*\\(|\\$\\.(?:ajax|getJSON)\\s*\\(");
  private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?|wss?|ftp)://");
  /** A redirect whose target the request chose: an open redirect unless it is checked. */
  private static final Pattern REDIRECT_FROM_REQUEST =
      Pattern.compile(
          "(?i)\\bredirect\\w*\\s*\\((?=[^;]*\\b(?:req|request)\\.(?:query|params|body|args|form|get|getParameter)\\b)");
  /** URLs that name a schema, not a place to fetch from. */
  private static final Pattern XML_NAMESPACE = Pattern.compile("(?i)xmlns|schemaLocation|<!DOCTYPE|\"\\$schema\"");

  /** A call that fetches, or a URL in code or configuration; a link in a comment is not a fetch. */
  static void fetches(Line l, Best best) {
    findPattern(l, FETCH_CALLS, best);
    findPattern(l, REDIRECT_FROM_REQUEST, best);
    if (!l.comment && l.text.contains("://") && !XML_NAMESPACE.matcher(l.text).find()) {
      findPattern(l, URL, best);
    }
  }

  // ------------------------------------------------------------------ file access

  private static final Pattern FILE_CALLS =
      calls(
          "(?-i:Files\\.[a-z]\\w*\\s*\\()|File(?:Input|Output)Stream\\b|RandomAccessFile\\b|new\\s+File\\s*\\("
              + "|FileChannel\\.open\\b|File(?:Reader|Writer)\\b|Paths\\.get\\s*\\(|(?-i:Path\\.of\\s*\\()"
              + "|Zip(?:InputStream|File)\\b|getCanonical(?:Path|File)\\s*\\(|toRealPath\\s*\\(|(?<![.$])open\\s*\\("
              + "|os\\.(?:open|openfile|create|createtemp|readfile|writefile|remove|removeall|rename|replace|mkdir|mkdirall"
              + "|makedirs|readdir|listdir|scandir|unlink|rmdir|walk|chdir|symlink|link)\\s*\\("
              + "|os\\.path\\.(?:join|realpath|abspath|expanduser)\\s*\\(|shutil\\.|pathlib\\b|tarfile\\.|zipfile\\."
              + "|extractall\\s*\\(|send_(?:file|from_directory)\\s*\\(|tempfile\\.mktemp\\b|secure_filename\\b|fs\\.\\w+"
              + "|fs/promises\\b|create(?:Read|Write)Stream\\s*\\(|path\\.(?:join|resolve)\\s*\\(|express\\.static\\s*\\("
              + "|ioutil\\.\\w+|filepath\\.(?:Join|Clean|Abs|Rel|EvalSymlinks|Walk\\w*)\\s*\\("
              + "|http\\.(?:ServeFile|FileServer|Dir)\\b|File::(?:open|create)\\s*\\(|fs::\\w+|OpenOptions\\b"
              + "|rm\\s+-[a-z]*r|getOriginalFilename\\s*\\(",
          "\\.normalize\\(\\)|\\.(?:read_text|write_text|read_bytes|write_bytes)\\s*\\(|\\.sendFile\\s*\\(");

  static void files(Line l, Best best) {
    findPattern(l, FILE_CALLS, best);
  }

  // ------------------------------------------------------------------ cryptography

  private static final Set<String> CRYPTOGRAPHY_WORDS =
      Set.of("crypto", "cryptography", "cryptographic", "cipher", "ciphers", "ciphertext", "encrypt", "encrypts",
          "encrypted", "encryption", "decrypt", "decrypts", "decrypted", "decryption", "hmac", "md5", "sha1", "sha256",
          "sha384", "sha512", "hs256", "rs256", "es256", "bcrypt", "scrypt", "argon2", "argon2id", "pbkdf2", "aes", "rsa",
          "ecdsa", "ecdh", "ed25519", "x25519", "x509", "tls", "ssl", "certificate", "certificates", "nonce", "keypair",
          "pkcs", "pkcs8", "pkcs12");
  private static final Map<String, List<List<String>>> CRYPTOGRAPHY_PHRASES = phrases("secure random");
  private static final Pattern CRYPTOGRAPHY_CALLS =
      calls(
          "InsecureSkipVerify\\b|verify\\s*=\\s*False\\b|rejectUnauthorized\\s*:\\s*false\\b"
              + "|NODE_TLS_REJECT_UNAUTHORIZED\\b|danger_accept_invalid_certs\\b|CERT_NONE\\b|_create_unverified_context"
              + "|TrustManager\\b|HostnameVerifier\\b|MessageDigest\\b|KeyPairGenerator\\b|KeyGenerator\\b"
              + "|Signature\\.getInstance\\b|compare_digest\\b|timingSafeEqual\\b|ConstantTimeCompare\\b|hashlib\\b"
              + "|openssl\\b|StrictHostKeyChecking\\b|UserKnownHostsFile\\s*=\\s*/dev/null"
              + "|verify_\\w*[\"']?\\s*[:=]\\s*false\\b",
          "");

  static void cryptography(Line l, Best best) {
    findWords(l, CRYPTOGRAPHY_WORDS, best);
    findPhrases(l, CRYPTOGRAPHY_PHRASES, false, best);
    findPattern(l, CRYPTOGRAPHY_CALLS, best);
  }

  // ------------------------------------------------------------------ deserialisation

  /** Readers that build objects of types the input names, and XML parsers that resolve entities. */
  private static final Pattern DESERIALISATION_CALLS =
      calls(
          "ObjectInputStream\\b|XMLDecoder\\b|XStream\\b|(?:enable|activate)DefaultTyping\\b|Id\\.CLASS\\b"
              + "|new\\s+Yaml\\s*\\(|pickle\\.(?:loads?|Unpickler)\\b|cPickle\\b|dill\\.loads?\\b|jsonpickle\\.decode\\b"
              + "|shelve\\.open\\b|marshal\\.loads?\\s*\\(|yaml\\.(?:unsafe_)?load(?:_all)?\\s*\\(|yaml\\.(?:Unsafe|Full)?Loader\\b"
              + "|unserialize\\s*\\(|node-serialize\\b|BinaryFormatter\\b|TypeNameHandling\\b|resolve_entities\\b|load_dtd\\b"
              + "|no_network\\b|DocumentBuilderFactory\\b|SAXParserFactory\\b|XMLInputFactory\\b|SAXReader\\b"
              + "|disallow-doctype-decl\\b|FEATURE_SECURE_PROCESSING\\b",
          "\\.readObject\\s*\\(|<!ENTITY");

  static void deserialisation(Line l, Best best) {
    findPattern(l, DESERIALISATION_CALLS, best);
  }

  // ------------------------------------------------------------------ SQL built from input

  private static final Pattern SQL_STATEMENT =
      Pattern.compile(
          "(?i)\\b(?:select\\b.{1,200}?\\bfrom|insert\\s+into|update\\s+[\\w.\"`]+\\s+set|delete\\s+from"
              + "|where\\s+[\\w.\"`]+\\s*(?:=|<|>|!=|\\blike\\b|\\bin\\b)|order\\s+by|group\\s+by)\\b");
  /** A string glued to a value: concatenation, interpolation, formatting. */
  private static final Pattern GLUED =
      Pattern.compile(
          "[\"'`]\\s*\\+\\s*[\\w(]|[\\w)\\]]\\s*\\+\\s*[\"'`]|\\$\\{|(?<![\\w])f[\"'][^\"']*\\{|[\"']\\s*%\\s*[\\w(]"
              + "|\\.format\\(|\\bSprintf\\(|\\bformat!\\(|\\bString\\.format\\(|\\.formatted\\(");

  /** A SQL statement on a line that glues a value into a string: the shape of an injection. */
  static void sqlFromInput(Line l, Best best) {
    Matcher m = SQL_STATEMENT.matcher(l.text);
    if (m.find() && GLUED.matcher(l.text).find()) {
      best.offer(m.start(), m.group().split("\\s+")[0].toLowerCase(Locale.ROOT));
    }
  }
}
