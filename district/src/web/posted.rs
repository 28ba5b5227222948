//! The one way in for a form that changes something: [`Posted`] takes the request apart only when
//! a person is signed in, the browser says the form came from this site, and the form carries its
//! session's anti-forgery token. A handler that takes a `Posted` cannot forget a check.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::format::escape;
use super::lang::tr;
use super::shell::{forged, from_addr, page_answer, same_site, SignedIn};
use crate::state::AppState;

/// A form that carries its session's anti-forgery token.
pub trait Csrf {
    /// The token the form sent.
    fn csrf(&self) -> &str;
}

/// A form posted by a signed-in person from this site with its session's token.
pub struct Posted<T> {
    /// Who.
    pub who: SignedIn,
    /// Where from, for the audit log.
    pub from: String,
    /// The form.
    pub form: T,
}

impl<T> FromRequest<AppState> for Posted<T>
where
    T: DeserializeOwned + Csrf + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(&mut parts, st)
            .await
            .map_err(IntoResponse::into_response)?;
        let who = SignedIn::from_request_parts(&mut parts, st).await?;
        if !same_site(&parts.headers) {
            return Err(forged());
        }
        let from = from_addr(peer, &parts.headers);
        let req = Request::from_parts(parts, body);
        let form = match Form::<T>::from_request(req, st).await {
            Ok(Form(f)) => f,
            Err(e) => {
                return Err(page_answer(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    tr("Biểu mẫu không đọc được", "The form cannot be read"),
                    &format!("<p class=err>{}</p>", escape(&e.body_text())),
                ))
            }
        };
        if !who.session.csrf_matches(form.csrf()) {
            return Err(forged());
        }
        Ok(Posted { who, from, form })
    }
}

/// `impl Csrf` for forms whose token is their `csrf` field.
macro_rules! csrf_field {
    ($($t:ty),+ $(,)?) => {
        $(impl $crate::web::posted::Csrf for $t {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })+
    };
}
pub(crate) use csrf_field;
