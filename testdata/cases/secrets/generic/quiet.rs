//! Near misses: ordinary Rust that talks about passwords, tokens and keys. No finding expected.
use std::collections::HashMap;
use std::env;

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

const PEM_RSA_HEADER: &str = "-----BEGIN RSA PRIVATE KEY-----";
const PEM_PKCS8_HEADER: &str = "-----BEGIN PRIVATE KEY-----";
const PASSWORD_MIN_LEN: usize = 12;
const DEFAULT_TOKEN_TTL_SECS: u64 = 3600;

/// Credentials for the upstream database. The `password` field is never logged.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: SecretString,
    pub api_key: Option<String>,
    #[serde(rename = "password_hash")]
    pub password_hash: String,
}

#[derive(Serialize)]
struct TokenRequest<'a> {
    grant_type: &'a str,
    client_id: &'a str,
    client_secret: &'a str,
    refresh_token: Option<&'a str>,
}

pub enum Auth {
    Password(SecretString),
    Token(String),
    PrivateKey(Vec<u8>),
}

pub struct TlsConfig {
    private_key: Vec<u8>,
    private_key_password: Option<SecretString>,
}

pub fn from_env() -> Result<Credentials, env::VarError> {
    let password = env::var("DB_PASSWORD")?;
    let api_key = env::var("API_KEY").ok();
    Ok(Credentials {
        username: env::var("DB_USER")?,
        password: SecretString::from(password),
        api_key,
        password_hash: String::new(),
    })
}

pub fn prompt() -> std::io::Result<String> {
    let password = rpassword::prompt_password("Password: ")?;
    if password.len() < PASSWORD_MIN_LEN {
        eprintln!("password: too short");
    }
    Ok(password)
}

pub fn database_url(user: &str, password: &SecretString, host: &str, db: &str) -> String {
    format!("postgres://{}:{}@{}/{}", user, password.expose_secret(), host, db)
}

pub fn masked_url(user: &str, host: &str) -> String {
    format!("postgres://{user}:***@{host}/app")
}

pub fn auth_headers(auth: &Auth, user: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let value = match auth {
        Auth::Password(password) => {
            let raw = format!("{}:{}", user, password.expose_secret());
            format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(raw))
        }
        Auth::Token(token) => format!("Bearer {token}"),
        Auth::PrivateKey(_) => return headers,
    };
    headers.insert(AUTHORIZATION, HeaderValue::from_str(&value).expect("ascii header"));
    headers
}

pub fn is_private_key(pem: &str) -> bool {
    pem.starts_with(PEM_RSA_HEADER)
        || pem.starts_with(PEM_PKCS8_HEADER)
        || pem.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
        || pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
}

pub fn redact(line: &str) -> String {
    let re = regex::Regex::new(r"(?i)(password|secret|token)\s*[=:]\s*\S+").expect("valid");
    re.replace_all(line, "$1=***").into_owned()
}

pub fn token_request<'a>(client_id: &'a str, client_secret: &'a str) -> TokenRequest<'a> {
    TokenRequest {
        grant_type: "client_credentials",
        client_id,
        client_secret,
        refresh_token: None,
    }
}

pub fn options(password: Option<&str>) -> HashMap<&'static str, String> {
    let mut opts = HashMap::new();
    opts.insert("password", password.unwrap_or_default().to_owned());
    opts.insert("api_key", String::new());
    opts.insert("sslmode", "require".to_owned());
    opts
}

/// Usage: `mysql -u root -p appdb`, or set `MYSQL_PWD` (discouraged).
/// Connection strings look like `Server=host;User Id=app;Password=<password>;`.
pub fn help() -> &'static str {
    "pass the password with --password-stdin; never use -p on the command line"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("password=hunter2"), "password=***");
        assert_eq!(redact("token: abc"), "token=***");
    }

    #[test]
    fn short_password_is_rejected() {
        let password = "short";
        assert!(password.len() < PASSWORD_MIN_LEN);
        let empty_password = "";
        assert!(empty_password.is_empty());
    }

    #[test]
    fn detects_headers() {
        assert!(is_private_key("-----BEGIN PRIVATE KEY-----\n..."));
        assert!(!is_private_key("-----BEGIN PUBLIC KEY-----"));
        let _ = DEFAULT_TOKEN_TTL_SECS;
    }
}
