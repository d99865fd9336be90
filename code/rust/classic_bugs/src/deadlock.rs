use tokio::runtime::Runtime;
use tokio::sync::mpsc;

use crate::Outcome;

// excerpt-start: deadlock
/// Starts two tasks that each wait for the other's message before sending their own.
pub async fn ping_pong() -> Outcome {
    let (ping_tx, mut ping_rx) = mpsc::channel::<String>(1);
    let (pong_tx, mut pong_rx) = mpsc::channel::<String>(1);
    let first = tokio::spawn(async move {
        if let Some(message) = pong_rx.recv().await {
            let _ = ping_tx.send(message).await;
        }
    });
    let second = tokio::spawn(async move {
        if let Some(message) = ping_rx.recv().await {
            let _ = pong_tx.send(message).await;
        }
    });
    let _ = tokio::join!(first, second);
    Outcome::new("both answered", "both answered")
}
// excerpt-end: deadlock

pub fn runtime() -> Result<Runtime, Outcome> {
    Runtime::new().map_err(|err| Outcome::new(err.to_string(), "both answered"))
}

pub fn run() -> Outcome {
    match runtime() {
        Ok(runtime) => runtime.block_on(ping_pong()),
        Err(failed) => failed,
    }
}
