//! What a request says about who is asking and from where: the cookies it carries, the address
//! it came from (and the proxy it came through), and the [`Viewer`] the pages are drawn for.

use std::net::SocketAddr;

use axum::http::{header, HeaderMap};

use crate::staff::Session;

/// Who is looking at a page.
pub enum Viewer {
    /// A person signed in, with their cookie's token.
    Staff(Session, String),
    /// Read-only monitoring: the shared token, or the server's own screen.
    Monitor,
}

impl Viewer {
    pub(crate) fn session(&self) -> Option<&Session> {
        match self {
            Viewer::Staff(s, _) => Some(s),
            Viewer::Monitor => None,
        }
    }
}

/// A cookie's value from the request.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Where a request comes from, for the audit log: the peer, and what a proxy in front says.
pub fn from_addr(peer: SocketAddr, headers: &HeaderMap) -> String {
    let relayed = headers
        .get("x-forwarded-for")
        .or_else(|| headers.get("x-real-ip"))
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(100).collect::<String>());
    match relayed {
        Some(r) => format!("{r} (qua {})", peer.ip()),
        None => peer.ip().to_string(),
    }
}
