//! Echoes whatever each TCP connection sends, one tokio task per connection. Listens on a free
//! loopback port, prints {"port": N} when ready, and stops on SIGTERM.

use std::process::ExitCode;

use measure::{emit, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{signal, SignalKind};

/// The read buffer of each connection, the same as the Go server's.
const BUFFER_BYTES: usize = 4096;

// excerpt-start: echo
async fn echo(mut socket: TcpStream) {
    let mut buf = vec![0_u8; BUFFER_BYTES];
    loop {
        match socket.read(&mut buf).await {
            // EOF or a reset: the client is gone.
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if socket.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}
// excerpt-end: echo

async fn serve() -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|err| format!("listening on loopback: {err}"))?;
    let port = listener
        .local_addr()
        .map_err(|err| format!("reading the bound address: {err}"))?
        .port();
    emit(json!({ "port": port }));

    let mut terminate =
        signal(SignalKind::terminate()).map_err(|err| format!("installing SIGTERM: {err}"))?;
    loop {
        tokio::select! {
            _ = terminate.recv() => return Ok(()),
            accepted = listener.accept() => {
                let (socket, _) = accepted.map_err(|err| format!("accepting: {err}"))?;
                tokio::spawn(echo(socket));
            }
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
