//! Serves the Echo service of echo.proto with tonic, the gRPC library Rust services use. It
//! listens on a free loopback port, prints {"port": N} on stdout when ready, and stops
//! gracefully on SIGTERM. Its Go twin serves the same service with grpc-go.

use std::process::ExitCode;

use measure::{emit, json};
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;
use tonic::{Request, Response, Status};

mod echopb {
    tonic::include_proto!("echo.v1");
}

use echopb::echo_server::{Echo, EchoServer};
use echopb::{EchoReply, EchoRequest};

// excerpt-start: service
#[derive(Default)]
struct EchoService;

#[tonic::async_trait]
impl Echo for EchoService {
    /// Answers with the message it was sent.
    async fn say(&self, request: Request<EchoRequest>) -> Result<Response<EchoReply>, Status> {
        let message = request.into_inner().message;
        Ok(Response::new(EchoReply { message }))
    }
}
// excerpt-end: service

async fn serve() -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|err| format!("listening on loopback: {err}"))?;
    let port = listener.local_addr().map_err(|err| err.to_string())?.port();
    emit(json!({ "port": port }));
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|err| format!("installing SIGTERM: {err}"))?;
    // TCP_NODELAY, as grpc-go sets on every connection.
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    Server::builder()
        .add_service(EchoServer::new(EchoService))
        .serve_with_incoming_shutdown(incoming, async move {
            terminate.recv().await;
        })
        .await
        .map_err(|err| format!("serving: {err}"))
}

fn main() -> ExitCode {
    measure::run(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|err| format!("starting the tokio runtime: {err}"))?
            .block_on(serve())
    })
}
