//! A plain HTTP client of the office's web app that keeps its cookies and sends its forms as a
//! browser does (`application/x-www-form-urlencoded`, `Origin` of the hub), for the checks that a
//! browser would not let us make: a forged form, a refused role answered by the server.

use std::collections::BTreeMap;

use reqwest::blocking::Client;
use reqwest::header::{HeaderMap, COOKIE, SET_COOKIE};

/// A staff member's password in the tests (at least ten characters).
pub const PASSWORD: &str = "mat-khau-cua-lan-2026";

/// An answer: status, headers, body.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// Where a redirect goes.
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// One browser's worth of cookies against one hub.
pub struct Web {
    pub base: String,
    client: Client,
    pub cookies: BTreeMap<String, String>,
}

/// `application/x-www-form-urlencoded`, as a browser writes a form.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the first `name=csrf` field of a page.
pub fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=csrf value=\"")
        .expect("a form with its token");
    let rest = &html[at + "name=csrf value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

impl Web {
    /// A fresh browser on `base` (`http://127.0.0.1:PORT`).
    pub fn new(base: &str) -> Web {
        Web {
            base: base.to_string(),
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, r: reqwest::blocking::Response) -> Answer {
        for c in r.headers().get_all(SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (kv, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=').unwrap();
            if v.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        Answer {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            body: r.text().unwrap(),
        }
    }

    /// GET `path`.
    pub fn get(&mut self, path: &str) -> Answer {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .unwrap();
        self.keep(r)
    }

    /// POST a form to `path` from `origin` (the hub's own, as its pages do; another, as a
    /// forger's page would).
    pub fn post_from(&mut self, origin: &str, path: &str, fields: &[(&str, &str)]) -> Answer {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .header("origin", origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(fields))
            .send()
            .unwrap();
        self.keep(r)
    }

    /// POST a form to `path` from the hub's own page.
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let origin = self.base.clone();
        self.post_from(&origin, path, fields)
    }

    /// POST a form with a file to `path` (`multipart/form-data`), from the hub's own page.
    pub fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Answer {
        let boundary = "----sochitra-kiem-thu-7f3a";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        let (field, name, bytes) = file;
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .header("origin", self.base.clone())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .unwrap();
        self.keep(r)
    }

    /// Opens the sign-in page and signs in; the answer to the form.
    pub fn sign_in(&mut self, login: &str, password: &str) -> Answer {
        let page = self.get("/dang-nhap");
        let csrf = csrf_of(&page.body);
        self.post(
            "/dang-nhap",
            &[("login", login), ("password", password), ("csrf", &csrf)],
        )
    }

    /// The anti-forgery token of the signed-in session (read from a page).
    pub fn csrf(&mut self) -> String {
        csrf_of(&self.get("/bao-giam").body)
    }
}

/// Makes an account with [`PASSWORD`] through the hub's command line.
pub fn add_staff(data: &std::path::Path, login: &str, role: &str) {
    let out = super::hub::hub_command(std::path::Path::new(super::hub_bin()), data)
        .args([
            "staff",
            "add",
            login,
            "--name",
            &format!("Cán bộ {login}"),
            "--role",
            role,
        ])
        .env("PAYPOINT_STAFF_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
