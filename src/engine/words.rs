//! A small language model for the values generic rules capture: it tells credentials from
//! identifiers (`getPasswordFromVault`, `PASSWORD_FIELD_NAME`, `this.password`), expressions,
//! references to variables and secret managers (`${VAR}`, `{{ .Values.x }}`, `op://vault/item`,
//! `arn:aws:secretsmanager:...`), file paths and sentences (`Password must be 8 characters`).
//!
//! It is not an English dictionary and does not judge password strength: a passphrase of ordinary
//! words (`correct horse battery staple`) or a weak password with digits or symbols
//! (`Summer2024!`) is still a secret here; a single word (`sekrit`) is not. An identifier is made
//! of programming vocabulary, which passphrases are not; a sentence has function words, which
//! passphrases lack. Pure functions over bytes, no allocation beyond a
//! lower-case copy of the value.

use std::sync::LazyLock;

/// Why a value is not a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSecret {
    /// A variable, template or secret-manager reference.
    Reference,
    /// A file system path.
    Path,
    /// A member access or call (`this.password`, `os.getenv("X")`).
    Expression,
    /// A name made of programming vocabulary (`PASSWORD_FIELD_NAME`, `getPasswordFromVault`).
    Identifier,
    /// Natural-language text (`Enter your password`).
    Sentence,
    /// One word (`sekrit`, `Welcome`): letters only, pronounceable.
    Word,
}

/// Whether a value captured by a generic rule is not a credential.
pub fn is_not_secret(value: &[u8]) -> bool {
    classify(value).is_some()
}

/// What a value is when it is not a secret; `None` when it may be one.
pub fn classify(value: &[u8]) -> Option<NotSecret> {
    let Ok(text) = std::str::from_utf8(value) else {
        return None;
    };
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    if is_reference(text, &lower) {
        Some(NotSecret::Reference)
    } else if is_path(text) {
        Some(NotSecret::Path)
    } else if is_sentence(&lower) {
        Some(NotSecret::Sentence)
    } else if is_expression(text) {
        Some(NotSecret::Expression)
    } else if is_identifier(text) || is_glob(text) {
        Some(NotSecret::Identifier)
    } else if is_word(text) {
        Some(NotSecret::Word)
    } else {
        None
    }
}

/// Prefixes (lower case) of references to secret managers, encrypted-value wrappers and
/// environment lookups: the value names where the secret lives, it is not the secret.
const REFERENCE_PREFIXES: &[&str] = &[
    "op://",
    "sm://",
    "vault:",
    "vault://",
    "ref+",
    "secret://",
    "secrets://",
    "gsm://",
    "gcpsm://",
    "awssm://",
    "awssecrets://",
    "awsssm://",
    "azkv://",
    "akv://",
    "keyvault://",
    "doppler://",
    "bws://",
    "infisical://",
    "onepassword://",
    "@microsoft.keyvault(",
    "enc[",
    "enc(",
    "$ansible_vault;",
    "!vault",
    "env:",
    "env.",
    "$env:",
    "process.env",
    "os.environ",
    "secretkeyref",
    "valuefrom",
];

/// Markers (lower case) anywhere in a value that make it a template or lookup.
const REFERENCE_MARKERS: &[&str] = &[
    "${",
    "{{",
    "$(",
    "%(",
    "getenv(",
    "secretsmanager.googleapis.com",
    ".vault.azure.net/secrets/",
];

fn is_reference(text: &str, lower: &str) -> bool {
    if REFERENCE_PREFIXES.iter().any(|p| lower.starts_with(p))
        || REFERENCE_MARKERS.iter().any(|m| lower.contains(m))
        || [("#{", '}'), ("@{", '}'), ("%{", '}'), ("<%", '>')]
            .iter()
            .any(|(open, close)| interpolates(text, open, *close))
    {
        return true;
    }
    // AWS ARNs of stored secrets, parameters and keys, in any partition.
    if lower.starts_with("arn:")
        && [":secretsmanager:", ":ssm:", ":kms:"]
            .iter()
            .any(|s| lower.contains(s))
    {
        return true;
    }
    // Google Secret Manager resource names: `projects/*/secrets/*[/versions/*]`.
    if lower.starts_with("projects/") && lower.contains("/secrets/") {
        return true;
    }
    let bytes = text.as_bytes();
    // A variable name: upper-case snake case (`DB_PASSWORD`), or a name of words.
    let ident = |s: &[u8]| {
        let Ok(name) = std::str::from_utf8(s) else {
            return false;
        };
        !s.is_empty()
            && (s[0].is_ascii_alphabetic() || s[0] == b'_')
            && (s
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
                || is_identifier(name)
                || is_word(name))
    };
    match bytes {
        // `$VAR`, `%VAR%` (Windows), `@VAR@` (autoconf), `__VAR__` and `#{VAR}#` token
        // replacement of deployment tools.
        [b'$', rest @ ..] => ident(rest),
        [b'%', mid @ .., b'%'] | [b'@', mid @ .., b'@'] | [b'_', b'_', mid @ .., b'_', b'_'] => {
            ident(mid)
        }
        _ => false,
    }
}

/// Whether `text` holds `open` + a name + `close` (`#{db.password}`, `<%= @password %>`): the
/// interpolation syntaxes of Ruby, PowerShell, Puppet and ERB. A random password may contain
/// `#{`, but rarely followed by a name and a closing brace.
fn interpolates(text: &str, open: &str, close: char) -> bool {
    text.match_indices(open).any(|(i, _)| {
        let rest = &text[i + open.len()..];
        rest.find(close).is_some_and(|end| {
            let inner =
                rest[..end].trim_matches(|c: char| c == '=' || c == '%' || c == '-' || c == ' ');
            !inner.is_empty()
                && inner.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'@' | b':' | b'$')
                })
        })
    })
}

fn is_path(text: &str) -> bool {
    let b = text.as_bytes();
    let path_chars = |t: &str| {
        t.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'.' | b'-' | b'_'))
    };
    if let Some(rest) = ["./", "../", "~/"]
        .iter()
        .find_map(|p| text.strip_prefix(p))
    {
        return path_chars(rest);
    }
    // `C:\...` or `C:/...`: path characters after it, and a word among them.
    if b.len() > 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'\\' | b'/') {
        let rest = text[3..].replace('\\', "/");
        return path_chars(&rest)
            && pieces(&rest)
                .iter()
                .any(|p| p.len() >= 3 && (known(p) || pronounceable(p)));
    }
    // An absolute or relative path of lower-case, word-like segments; base64 has `/` too, but its
    // segments mix cases and digits.
    let segments: Vec<&str> = text.split('/').collect();
    let rooted = text.starts_with('/');
    let named: Vec<&str> = segments.iter().copied().filter(|s| !s.is_empty()).collect();
    (rooted || segments.len() >= 3)
        && !named.is_empty()
        && named.iter().all(|s| {
            s.bytes().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'_')
            }) && pieces(s).iter().any(|p| p.len() >= 2 && pronounceable(p))
        })
}

/// Function words: text with them is prose, not a passphrase.
#[rustfmt::skip]
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "is", "are", "be", "must", "should", "can", "cannot", "will", "not", "your",
    "you", "to", "of", "for", "and", "or", "at", "in", "on", "with", "please", "enter", "this",
    "that", "it", "if", "no", "was", "has", "have", "does", "do", "least", "here", "from", "by",
];

fn is_sentence(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 3 {
        return false;
    }
    let clean = |w: &str| {
        w.trim_matches(|c: char| !c.is_ascii_alphanumeric())
            .to_owned()
    };
    let alpha = words
        .iter()
        .filter(|w| {
            let c = clean(w);
            !c.is_empty() && c.bytes().all(|b| b.is_ascii_alphabetic())
        })
        .count();
    let function = words
        .iter()
        .filter(|w| FUNCTION_WORDS.contains(&clean(w).as_str()))
        .count();
    // Most tokens are words and at least one is a function word.
    alpha * 4 >= words.len() * 3 && function >= 1
}

/// `this.password`, `self.config.db_password`, `os.getenv("DB_PASSWORD")`, `Config::get()`,
/// `$user->password`: names joined by member operators, optionally called or indexed.
fn is_expression(text: &str) -> bool {
    // Cut a trailing call or index: `f(...)`, `x["..."]`.
    // A call cut at its argument (`Config::get(` before a quoted argument) counts as a call.
    let head = match text.find(['(', '[']) {
        Some(i) if text.ends_with(')') || text.ends_with(']') || i + 1 == text.len() => &text[..i],
        Some(_) => return false,
        None => text,
    };
    let called = head.len() < text.len();
    let head = head.trim_start_matches('$');
    let parts: Vec<&str> = head
        .split(['.', ':', '-', '>'])
        .filter(|p| !p.is_empty())
        .collect();
    let joined = head.contains('.') || head.contains("::") || head.contains("->");
    if parts.is_empty() || !(joined || called) {
        return false;
    }
    if head.contains(':') && !head.contains("::") || head.contains('-') && !head.contains("->") {
        return false;
    }
    parts.iter().all(|p| {
        let b = p.as_bytes();
        (b[0].is_ascii_alphabetic() || b[0] == b'_')
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
            && (b.len() <= 3 && b.iter().all(u8::is_ascii_lowercase)
                || is_identifier(p)
                || pieces(p).iter().all(|w| known(w) || pronounceable(w)))
    })
}

/// A name made of programming vocabulary: at least two words (split at `_`, `-`, `.`, case
/// humps and digits, lower-case runs segmented into vocabulary words), at least half of them in
/// the vocabulary (one of three letters or more) and the rest pronounceable; up to two numbers of
/// at most four digits and two single letters are neutral.
fn is_identifier(text: &str) -> bool {
    if !text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'$'))
    {
        return false;
    }
    let mut words: Vec<String> = Vec::new();
    let (mut numbers, mut letters) = (0, 0);
    for piece in pieces(text) {
        if piece.bytes().all(|b| b.is_ascii_digit()) {
            numbers += 1;
            if piece.len() > 4 || numbers > 2 {
                return false;
            }
            continue;
        }
        // Single letters are neutral (`v2`, `x509`), like digits, but few.
        if piece.len() == 1 {
            letters += 1;
            if letters > 2 {
                return false;
            }
            continue;
        }
        match segment(&piece) {
            Some(split) => words.extend(split),
            None => words.push(piece),
        }
    }
    let vocabulary = words.iter().filter(|w| known(w)).count();
    // Two-letter vocabulary words (`db`, `id`, `io`) turn up in random strings: a name also has a
    // longer one.
    words.len() >= 2
        && words.iter().any(|w| w.len() >= 3 && known(w))
        && vocabulary * 2 >= words.len()
        && words.iter().all(|w| known(w) || pronounceable(w))
}

/// One word, lower case or capitalised (`sekrit`, `Welcome`), that reads like one. Generic rules
/// have a lower bound on length, so these are 8 letters and more in practice; a random string of
/// letters rarely passes [`pronounceable`].
fn is_word(text: &str) -> bool {
    let Some(rest) = text.strip_prefix(|c: char| c.is_ascii_alphabetic()) else {
        return false;
    };
    (3..=24).contains(&text.len()) && rest.bytes().all(|b| b.is_ascii_lowercase()) && {
        let lower = text.to_ascii_lowercase();
        known(&lower) || pronounceable(&lower)
    }
}

/// A name pattern with `*` wildcards (`rds-db-credentials/*`, `AmazonSageMaker-*`): names and
/// separators only, wildcards at segment ends, most pieces of four letters or more known or
/// pronounceable words (shorter ones are taken as abbreviations), and a vocabulary word, two
/// words or a long one among them.
fn is_glob(text: &str) -> bool {
    let b = text.as_bytes();
    let separator = |c: u8| matches!(c, b'-' | b'_' | b'.' | b'/' | b'!' | b':');
    if !text.contains('*')
        || !b
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'*' || separator(c))
    {
        return false;
    }
    // A wildcard stands for a whole segment or a suffix: at the end or next to a separator.
    let wildcard_placed = b
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == b'*')
        .all(|(i, _)| {
            i + 1 == b.len()
                || i == 0
                || separator(b[i - 1])
                || separator(b[i + 1])
                || b[i + 1] == b'*'
        });
    if !wildcard_placed {
        return false;
    }
    let (mut words, mut other, mut known_words, mut numbers, mut letters) = (0, 0, 0, 0, 0);
    let mut long = false;
    for piece in pieces(text) {
        if piece.bytes().all(|c| c.is_ascii_digit()) {
            numbers += 1;
            continue;
        }
        // Short pieces are abbreviations (`rds`, `db`), known or not.
        if piece.len() < 4 {
            letters += usize::from(piece.len() == 1);
            known_words += usize::from(piece.len() == 3 && known(&piece));
            continue;
        }
        let split = segment(&piece).unwrap_or_else(|| vec![piece.clone()]);
        if split.iter().all(|w| known(w) || pronounceable(w)) {
            words += 1;
            long |= piece.len() >= 8;
        } else {
            other += 1;
        }
        known_words += usize::from(split.iter().any(|w| w.len() >= 3 && known(w)));
    }
    numbers <= 2 && letters <= 2 && other <= words && (known_words >= 1 || words >= 2 || long)
}

/// Splits a name into lower-case pieces at separators, case humps (`getHTTPClient` -> get, http,
/// client) and letter/digit boundaries.
fn pieces(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let flush = |out: &mut Vec<String>, s: usize, e: usize| {
        if e > s {
            out.push(text[s..e].to_ascii_lowercase());
        }
    };
    for i in 0..b.len() {
        let c = b[i];
        if !c.is_ascii_alphanumeric() {
            flush(&mut out, start, i);
            start = i + 1;
            continue;
        }
        if i == start {
            continue;
        }
        let prev = b[i - 1];
        let next_lower = b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let boundary = (prev.is_ascii_lowercase() && c.is_ascii_uppercase())
            || (prev.is_ascii_uppercase() && c.is_ascii_uppercase() && next_lower)
            || (prev.is_ascii_digit() != c.is_ascii_digit());
        if boundary {
            flush(&mut out, start, i);
            start = i;
        }
    }
    flush(&mut out, start, b.len());
    out
}

/// A lower-case run split into vocabulary words (`passwordfield` -> password, field), when it
/// can be; words of two letters only from the short list.
fn segment(run: &str) -> Option<Vec<String>> {
    let n = run.len();
    if n > 64 || !run.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    // best[i]: the fewest words that cover run[..i], and where the last one starts.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 1..=n {
        for start in end.saturating_sub(16)..end.saturating_sub(1) {
            if let Some((count, _)) = best[start]
                && known(&run[start..end])
                && best[end].is_none_or(|(c, _)| count + 1 < c)
            {
                best[end] = Some((count + 1, start));
            }
        }
    }
    let mut words = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        words.push(run[start..end].to_owned());
        end = start;
    }
    words.reverse();
    Some(words)
}

fn known(word: &str) -> bool {
    VOCABULARY.binary_search(&word).is_ok()
}

/// Whether a lower-case piece reads like a word: vowels in a plausible share, no long consonant
/// cluster, no tripled letter. Random strings of 6+ letters rarely pass; words mostly do.
fn pronounceable(word: &str) -> bool {
    let b = word.as_bytes();
    if b.len() < 2 || !b.iter().all(u8::is_ascii_lowercase) {
        return false;
    }
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let vowels = b.iter().filter(|&&c| vowel(c)).count();
    if vowels == 0 || vowels * 5 < b.len() || vowels * 4 > b.len() * 3 {
        return false;
    }
    let (mut cluster, mut same) = (0usize, 1usize);
    for (i, &c) in b.iter().enumerate() {
        cluster = if vowel(c) { 0 } else { cluster + 1 };
        same = if i > 0 && b[i - 1] == c { same + 1 } else { 1 };
        if cluster > 3 || same > 2 {
            return false;
        }
    }
    let pairs = &*LETTER_PAIRS;
    b.windows(2)
        .all(|w| pairs[usize::from(w[0] - b'a') * 26 + usize::from(w[1] - b'a')])
}

/// The letter pairs (`a`..`z` twice, 26 x 26) that occur in the vocabulary and in [`ENGLISH`]:
/// a random string of 8 letters almost always has a pair outside this set, a word rarely does.
static LETTER_PAIRS: LazyLock<[bool; 676]> = LazyLock::new(|| {
    let mut pairs = [false; 676];
    for word in VOCABULARY.iter().chain(ENGLISH) {
        for w in word.as_bytes().windows(2) {
            pairs[usize::from(w[0] - b'a') * 26 + usize::from(w[1] - b'a')] = true;
        }
    }
    pairs
});

/// Common English words, for [`LETTER_PAIRS`] only: they teach what words look like without
/// making any of them identifier vocabulary.
#[rustfmt::skip]
const ENGLISH: &[&str] = &[
    "about", "above", "across", "again", "against", "almost", "along", "already", "although",
    "always", "among", "another", "answer", "aqua", "around", "autumn", "awkward", "backpack",
    "banana", "bankrupt", "baseball", "battery", "because", "become", "behind", "believe", "below",
    "between", "beyond", "black", "blackbird", "bookmark", "boxing", "bridge", "bring", "brother",
    "brown", "business", "butterfly", "buzz", "carry", "castle", "certain", "charlie", "children",
    "chocolate", "church", "city", "clock", "close", "cloud", "coffee", "company", "cookie",
    "correct", "country", "course", "cover", "cross", "cupboard", "dance", "dark", "daughter",
    "deployment", "depth", "develop", "different", "dizzy", "doctor", "dragon", "dream", "during",
    "dwarf", "early", "earth", "eight", "employ", "enough", "equip", "even", "every", "exit", "eye",
    "face", "family", "father", "feel", "figure", "fire", "fish", "five", "flower", "follow",
    "food", "football", "footprint", "force", "forest", "four", "fox", "freedom", "friend", "fuzzy",
    "garden", "general", "ginger", "girl", "give", "glass", "golden", "good", "government", "great",
    "green", "ground", "grow", "half", "hand", "happen", "happy", "head", "hear", "heart", "hello",
    "help", "high", "hockey", "horse", "house", "however", "human", "hundred", "idea", "important",
    "inkwell", "interest", "island", "jazz", "jordan", "joy", "jukebox", "jump", "just", "keep",
    "keyword", "killer", "king", "kitchen", "knew", "know", "kraken", "krypton", "language",
    "large", "later", "laugh", "lazy", "learn", "leave", "ledger", "letter", "light", "lightweight",
    "little", "live", "long", "luxury", "machine", "make", "many", "marketplace", "measure",
    "might", "mile", "money", "monkey", "month", "morning", "mother", "mountain", "move", "music",
    "national", "nature", "near", "never", "night", "nothing", "ocean", "often", "orange", "order",
    "other", "outpost", "output", "over", "oxygen", "ozone", "paper", "people", "pepper", "person",
    "pickup", "picture", "piece", "pizza", "place", "plant", "point", "power", "princess",
    "problem", "product", "pumpkin", "purple", "quick", "quite", "quiz", "rabbit", "rather",
    "really", "reason", "remember", "river", "room", "round", "school", "science", "second", "seek",
    "several", "shadow", "should", "silver", "simple", "since", "sister", "sky", "small", "soccer",
    "sound", "south", "space", "special", "spring", "stand", "staple", "story", "strong", "study",
    "summer", "sunshine", "sweet", "symbol", "taxi", "their", "there", "thing", "think", "those",
    "thought", "three", "through", "thunder", "tiger", "timezone", "together", "toward", "travel",
    "tree", "true", "twelfth", "twelve", "under", "understand", "until", "usually", "very", "vodka",
    "voice", "water", "weather", "week", "welcome", "where", "which", "while", "white", "whole",
    "width", "window", "winter", "woman", "workflow", "world", "would", "write", "year", "yellow",
    "young", "zebra", "zero",
];

/// Words of identifiers and configuration keys (sorted, lower case): what names in code are made
/// of. Deliberately programming vocabulary, not general English, so passphrases stay secrets.
#[rustfmt::skip]
const VOCABULARY: &[&str] = &[
    "access", "account", "accounts", "action", "active", "add", "addr", "address", "admin", "after",
    "agent", "alias", "all", "allow", "allowed", "api", "app", "application", "apps", "arg", "args",
    "argument", "as", "assert", "async", "at", "attr", "attribute", "auth", "authentication",
    "authorization", "auto", "aws", "azure", "backend", "backup", "base", "basic", "bearer",
    "before", "bind", "bit", "block", "body", "bool", "boolean", "bot", "box", "buf", "buffer",
    "build", "builder", "by", "byte", "bytes", "cache", "call", "callback", "can", "cert",
    "certificate", "change", "channel", "char", "check", "checked", "child", "cipher", "class",
    "clear", "cli", "client", "close", "cloud", "cluster", "cmd", "code", "col", "column",
    "command", "common", "compare", "config", "configuration", "confirm", "confirmation", "conn",
    "connect", "connection", "const", "constant", "content", "context", "control", "cookie", "copy",
    "core", "count", "create", "created", "cred", "credential", "credentials", "creds", "crypt",
    "crypto", "ctx", "current", "custom", "data", "database", "date", "db", "debug", "decode",
    "decrypt", "decrypted", "default", "defaults", "delete", "deploy", "desc", "description", "dev",
    "device", "dict", "digest", "dir", "disable", "disabled", "do", "doc", "docker", "domain",
    "driver", "dsn", "dummy", "edit", "element", "email", "empty", "enable", "enabled", "encode",
    "encoded", "encrypt", "encrypted", "encryption", "end", "endpoint", "entry", "env",
    "environment", "err", "error", "errors", "event", "exception", "exists", "expected", "expire",
    "expired", "expires", "expiry", "export", "ext", "external", "factory", "fail", "failed",
    "false", "fetch", "field", "fields", "file", "filter", "find", "first", "flag", "for", "forgot",
    "form", "format", "from", "func", "function", "gen", "generate", "generated", "generator",
    "get", "getter", "git", "global", "grant", "group", "handle", "handler", "has", "hash",
    "hashed", "hasher", "header", "headers", "helper", "hidden", "hint", "history", "home", "host",
    "html", "http", "https", "id", "ids", "if", "impl", "import", "in", "incorrect", "index",
    "info", "init", "initial", "inner", "input", "instance", "int", "internal", "invalid", "io",
    "ip", "is", "item", "items", "iter", "json", "jwt", "key", "keys", "keystore", "kind", "label",
    "last", "ldap", "len", "length", "level", "lib", "line", "link", "list", "load", "loader",
    "local", "lock", "log", "login", "logout", "lookup", "main", "manager", "map", "mapping",
    "mask", "masked", "master", "match", "max", "message", "meta", "method", "min", "missing",
    "mode", "model", "module", "msg", "my", "mysql", "name", "names", "new", "next", "no", "node",
    "none", "not", "null", "num", "number", "oauth", "obj", "object", "of", "old", "on", "one",
    "only", "open", "opt", "option", "optional", "options", "or", "org", "original", "out",
    "output", "override", "owner", "page", "param", "params", "parse", "parser", "pass",
    "passphrase", "passwd", "password", "passwords", "path", "pattern", "payload", "pem", "plain",
    "policy", "pool", "port", "post", "postgres", "prefix", "previous", "primary", "private",
    "prod", "profile", "prompt", "prop", "properties", "property", "provider", "proxy", "pub",
    "public", "put", "pwd", "query", "random", "raw", "read", "reader", "receive", "record",
    "redis", "ref", "refresh", "register", "registry", "remote", "remove", "repeat", "replace",
    "repo", "request", "required", "reset", "resolve", "resource", "response", "result", "retry",
    "return", "role", "root", "row", "rule", "run", "runner", "salt", "save", "schema", "scope",
    "secret", "secrets", "section", "secure", "security", "send", "server", "service", "session",
    "set", "setter", "setting", "settings", "setup", "sha", "show", "sign", "signature", "signed",
    "signing", "size", "smtp", "source", "spec", "sql", "src", "ssh", "ssl", "start", "state",
    "static", "status", "storage", "store", "stored", "str", "string", "struct", "sub", "submit",
    "success", "sudo", "super", "support", "sync", "system", "table", "target", "task", "temp",
    "template", "tenant", "test", "text", "the", "this", "time", "timeout", "tls", "to", "token",
    "tokens", "tool", "topic", "trust", "type", "ui", "update", "upload", "uri", "url", "use",
    "user", "username", "users", "util", "uuid", "val", "valid", "validate", "validation",
    "validator", "value", "values", "var", "vault", "verify", "version", "view", "wallet", "web",
    "webhook", "with", "without", "worker", "wrapper", "write", "wrong", "xml", "yaml",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_is_sorted_and_unique() {
        assert!(VOCABULARY.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn not_secrets() {
        for (value, kind) in [
            ("getPasswordFromVault", NotSecret::Identifier),
            ("PASSWORD_FIELD_NAME", NotSecret::Identifier),
            ("user-password-hash", NotSecret::Identifier),
            ("passwordfieldname", NotSecret::Identifier),
            ("DbPasswordV2", NotSecret::Identifier),
            ("ledgerAppUser", NotSecret::Identifier),
            ("this.password", NotSecret::Expression),
            ("self.config.db_password", NotSecret::Expression),
            ("os.getenv(\"DB_PASSWORD\")", NotSecret::Reference),
            ("Config::get('db.password')", NotSecret::Expression),
            ("Config::get(", NotSecret::Expression),
            ("$user->password", NotSecret::Expression),
            ("${DB_PASSWORD}", NotSecret::Reference),
            ("{{ .Values.db.password }}", NotSecret::Reference),
            ("$DB_PASSWORD", NotSecret::Reference),
            ("%DB_PASSWORD%", NotSecret::Reference),
            ("#{db.password}", NotSecret::Reference),
            ("<%= @db_password %>", NotSecret::Reference),
            ("__DB_PASSWORD__", NotSecret::Reference),
            (
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
                NotSecret::Reference,
            ),
            (
                "arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/db",
                NotSecret::Reference,
            ),
            ("vault:secret/data/db#password", NotSecret::Reference),
            (
                "projects/acme-prod/secrets/db-password/versions/latest",
                NotSecret::Reference,
            ),
            ("op://Production/Postgres/password", NotSecret::Reference),
            ("sm://acme-prod/db-password", NotSecret::Reference),
            (
                "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db)",
                NotSecret::Reference,
            ),
            (
                "ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]",
                NotSecret::Reference,
            ),
            ("/run/secrets/db_password", NotSecret::Path),
            ("./certs/client.key", NotSecret::Path),
            ("C:\\secrets\\db.txt", NotSecret::Path),
            ("config/keys/signing.pem", NotSecret::Path),
            (
                "Password must be at least 8 characters",
                NotSecret::Sentence,
            ),
            ("Enter your password", NotSecret::Sentence),
            ("sekrit", NotSecret::Word),
            ("Welcome", NotSecret::Word),
            ("sunshine", NotSecret::Word),
            ("Final[int]", NotSecret::Expression),
            ("rds-db-credentials/*", NotSecret::Identifier),
            ("marketplace-deployment*!*", NotSecret::Identifier),
            ("migrationhub-orchestrator-*", NotSecret::Identifier),
            ("A4BNetworkProfile*", NotSecret::Identifier),
            ("atx-db-modernization-*", NotSecret::Identifier),
            ("READONLY-InfluxDB-auth-parameters-*", NotSecret::Identifier),
        ] {
            assert_eq!(classify(value.as_bytes()), Some(kind), "{value}");
        }
    }

    #[test]
    fn secrets_stay() {
        for value in [
            "correct horse battery staple",
            "correct-horse-battery-staple",
            "CorrectHorseBatteryStaple",
            "Summer2024!",
            "U3aPTMZwMs",
            "zuRz5d260cMZA+",
            "kPCH_1!A++_vu",
            "Gsxw7I-R-Z",
            "ah3C5nVVBl2",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
            "FQjmFJvLRoULIO83gfJ678JzLXFmtzOd3to029e5",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdmMifQ.c2lnbmF0dXJlLWJ5dGVz",
            "d41d8cd98f00b204e9800998ecf8427e",
            "hunter2hunter",
            "s3cr3t-Pa55w0rd",
            "Tr0ub4dor&3",
            "svc_ledger_9Xk2",
            "a8f5f167f44f4964e6c998dee827110c",
            "kX9*qZ2v*Lm4",
            "2GT2X@AeGdb@u[[lsjTtTG[d4]W6WWpw",
            "q#{9x!Lm",
            "qhxkzpwmrt",
            "Tr0ub4dor",
        ] {
            assert_eq!(classify(value.as_bytes()), None, "{value}");
        }
    }

    #[test]
    fn splitting() {
        assert_eq!(pieces("getHTTPClient2"), ["get", "http", "client", "2"]);
        assert_eq!(pieces("PASSWORD_FIELD"), ["password", "field"]);
        assert_eq!(
            segment("passwordfieldname").as_deref(),
            Some(&["password".to_owned(), "field".to_owned(), "name".to_owned()][..])
        );
        assert_eq!(segment("xqzvbn"), None);
        assert!(pronounceable("ledger"));
        assert!(!pronounceable("ptmzw"));
        assert!(!pronounceable("xqzvbn"));
    }

    /// Random strings of credential alphabets are almost never taken for words or names; the
    /// bounds are the rates measured on 20 000 samples each, with a margin.
    #[test]
    fn random_strings_are_rarely_taken_for_words() {
        const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
        const BASE62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        const PRINTABLE: &[u8] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&*+-_.@/:";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % n as u64).expect("small")
        };
        // (alphabet, length, most taken for words out of 20 000)
        for (alphabet, len, most) in [
            (LOWER, 8, 500),
            (LOWER, 12, 60),
            (&b"abcdefghijklmnopqrstuvwxyz0123456789"[..], 16, 2),
            (&b"0123456789abcdef"[..], 32, 2),
            (BASE62, 10, 6),
            (BASE62, 16, 2),
            (PRINTABLE, 12, 6),
        ] {
            let taken = (0..20_000)
                .filter(|_| {
                    let s: Vec<u8> = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
                    is_not_secret(&s)
                })
                .count();
            assert!(
                taken <= most,
                "{taken} of 20000 random strings of length {len} over {}",
                String::from_utf8_lossy(alphabet)
            );
        }
    }
}
