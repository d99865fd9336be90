//! Forwards every request to one backend, on hyper: its HTTP/1 server in front, hyper-util's
//! pooled client behind. It listens on a free loopback port, prints {"port": N} on stdout when
//! ready, and stops on SIGTERM. Its Go twin does the same with `httputil.ReverseProxy`, and does
//! what this one does by hand: drop the hop-by-hop headers and add `X-Forwarded-For`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Empty};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::http::uri::Authority;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode, Uri};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioIo};
use measure::{emit, json, Flags};
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

type Body = BoxBody<Bytes, hyper::Error>;
type Backend = Client<HttpConnector, Incoming>;

/// Headers that describe one connection, not the message: a proxy must not pass them on
/// (RFC 9110, section 7.6.1; the list Go's httputil.ReverseProxy removes).
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "proxy-connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

fn drop_hop_by_hop(headers: &mut HeaderMap) {
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
}

// excerpt-start: proxy
/// Sends `request` on to the backend and its answer back; a backend that cannot be reached is
/// a 502, as Go's proxy answers.
async fn forward(
    client: Backend,
    backend: Authority,
    peer: SocketAddr,
    mut request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let uri = Uri::builder()
        .scheme("http")
        .authority(backend)
        .path_and_query(path)
        .build();
    let Ok(uri) = uri else {
        return Ok(bad_gateway());
    };
    *request.uri_mut() = uri;
    drop_hop_by_hop(request.headers_mut());
    if let Ok(address) = HeaderValue::from_str(&peer.ip().to_string()) {
        request.headers_mut().append("x-forwarded-for", address);
    }
    match client.request(request).await {
        Ok(response) => {
            let (mut parts, body) = response.into_parts();
            drop_hop_by_hop(&mut parts.headers);
            Ok(Response::from_parts(parts, body.boxed()))
        }
        Err(err) => {
            eprintln!("reverse_proxy: the backend failed: {err}");
            Ok(bad_gateway())
        }
    }
}
// excerpt-end: proxy

fn bad_gateway() -> Response<Body> {
    let mut response = Response::new(Empty::new().map_err(|never| match never {}).boxed());
    *response.status_mut() = StatusCode::BAD_GATEWAY;
    response
}

async fn serve(backend: Authority) -> Result<(), String> {
    // TCP_NODELAY on both sides, as Go sets on every TCP connection: without it Nagle's
    // algorithm holds small writes back until the previous one is acknowledged.
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: Backend = Client::builder(TokioExecutor::new()).build(connector);
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|err| format!("listening on loopback: {err}"))?;
    let port = listener.local_addr().map_err(|err| err.to_string())?.port();
    emit(json!({ "port": port }));
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|err| format!("installing SIGTERM: {err}"))?;
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    eprintln!("reverse_proxy: accepting: {err}");
                    continue;
                }
            },
            _ = terminate.recv() => return Ok(()),
        };
        if let Err(err) = stream.set_nodelay(true) {
            eprintln!("reverse_proxy: setting TCP_NODELAY: {err}");
        }
        let (client, backend) = (client.clone(), backend.clone());
        let service =
            service_fn(move |request| forward(client.clone(), backend.clone(), peer, request));
        tokio::spawn(async move {
            if let Err(err) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                eprintln!("reverse_proxy: a connection failed: {err}");
            }
        });
    }
}

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let backend: String = flags.get("backend", String::new())?;
        let authority = backend
            .strip_prefix("http://")
            .and_then(|rest| rest.trim_end_matches('/').parse::<Authority>().ok())
            .ok_or_else(|| {
                format!("--backend must be a URL such as http://127.0.0.1:8080, got {backend:?}")
            })?;
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|err| format!("starting the tokio runtime: {err}"))?
            .block_on(serve(authority))
    })
}
