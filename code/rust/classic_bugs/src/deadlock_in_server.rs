use tokio::net::TcpListener;

use crate::deadlock::{ping_pong, runtime};
use crate::Outcome;

// excerpt-start: deadlock_in_server
/// The same deadlock in a program that also listens on a socket, as a backend does: a task
/// waits in `accept`.
async fn ping_pong_in_server() -> Outcome {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(err) => return Outcome::new(err.to_string(), "both answered"),
    };
    tokio::spawn(async move { while listener.accept().await.is_ok() {} });
    ping_pong().await
}
// excerpt-end: deadlock_in_server

pub fn run() -> Outcome {
    match runtime() {
        Ok(runtime) => runtime.block_on(ping_pong_in_server()),
        Err(failed) => failed,
    }
}
