//! `GET /api/follow-qr?follow=KEY`: the follow link of a shared session as a QR code (SVG), for
//! the lecturer's page to put on the projector so students open it with their phones.
//!
//! Made on the server, so the page carries no QR encoder. The link is built from the request's
//! own `Host` (already checked against the allow-list), with `https` when a reverse proxy says
//! the lecturer came in over TLS (`X-Forwarded-Proto: https`). Like every `/api/*` path it
//! needs the lab's token; an unknown or ended key is 404.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

use crate::app::AppState;

#[derive(Debug, Deserialize)]
pub struct FollowQuery {
    follow: String,
}

/// The follow link for `key` as students open it.
pub fn follow_link(headers: &HeaderMap, key: &str) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    Some(format!("{scheme}://{host}/?follow={key}"))
}

pub async fn serve(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<FollowQuery>,
) -> Response {
    if state.rooms.find(&query.follow).is_none() {
        return (
            StatusCode::NOT_FOUND,
            "no shared session has that follow key (it ended, or was never shared)\n",
        )
            .into_response();
    }
    let Some(link) = follow_link(&headers, &query.follow) else {
        return (StatusCode::BAD_REQUEST, "the request has no Host header\n").into_response();
    };
    match QrCode::new(link.as_bytes()) {
        Ok(code) => {
            let image = code
                .render::<svg::Color<'_>>()
                .min_dimensions(320, 320)
                .quiet_zone(true)
                .build();
            (
                [
                    (header::CONTENT_TYPE, "image/svg+xml"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                image,
            )
                .into_response()
        }
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot make a QR code of the follow link: {e}\n"),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_follows_the_host_and_the_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "lab.school.example".parse().unwrap());
        assert_eq!(
            follow_link(&headers, "ab").unwrap(),
            "http://lab.school.example/?follow=ab"
        );
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        assert_eq!(
            follow_link(&headers, "ab").unwrap(),
            "https://lab.school.example/?follow=ab"
        );
    }
}
