//! Starts N tokio tasks that each block until released, either on a socket (a UDP socket of
//! its own, which tokio's reactor watches) or in a blocking system call (a read(2) from a pipe,
//! which no reactor can take over), and counts the process's OS threads while they wait. The
//! blocking call runs either on tokio's blocking pool (`spawn_blocking`) or, as the mistake it
//! is, straight inside an async task. The Go twin does the same with goroutines.
//!
//! The main thread stays outside the runtime and watches with plain threads and sleeps: when
//! every worker is stuck in a system call, nothing inside the runtime could.

use std::io::{pipe, PipeReader, Read, Write};
use std::net::{SocketAddr, UdpSocket as StdUdpSocket};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use measure::{emit, json, Flags};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

/// How long the counts must stay unchanged before the waiters count as all parked.
const SETTLED: Duration = Duration::from_millis(100);

/// What the main thread does once every task waits: wake them, then wait for them to end.
type Release = Box<dyn FnOnce() -> Result<(), String>>;

/// Parks each task in a receive on its own UDP socket: tokio's reactor (epoll) watches the
/// socket and the worker thread runs other tasks.
fn on_sockets(
    runtime: &Runtime,
    tasks: usize,
    waiting: &Arc<AtomicU64>,
) -> Result<(Vec<JoinHandle<()>>, Release), String> {
    let mut handles = Vec::with_capacity(tasks);
    let mut addresses = Vec::with_capacity(tasks);
    for index in 0..tasks {
        let socket = StdUdpSocket::bind("127.0.0.1:0")
            .and_then(|socket| socket.set_nonblocking(true).map(|()| socket))
            .map_err(|err| {
                format!(
                    "opening UDP socket {} of {tasks}: {err} (each task needs one file \
                     descriptor; see ulimit -n)",
                    index + 1
                )
            })?;
        addresses.push(socket.local_addr().map_err(|err| err.to_string())?);
        let waiting = waiting.clone();
        // excerpt-start: socket
        handles.push(runtime.spawn(async move {
            let socket = tokio::net::UdpSocket::from_std(socket)
                .unwrap_or_else(|err| measure::fail(format_args!("socket {index}: {err}")));
            waiting.fetch_add(1, Ordering::AcqRel);
            let mut buffer = [0u8; 1];
            let received = socket.recv(&mut buffer).await; // parks this task
            if let Err(err) = received {
                measure::fail(format_args!("reading socket {index}: {err}"));
            }
        }));
        // excerpt-end: socket
    }
    Ok((handles, Box::new(move || release_sockets(&addresses))))
}

fn release_sockets(addresses: &[SocketAddr]) -> Result<(), String> {
    let sender = StdUdpSocket::bind("127.0.0.1:0").map_err(|err| err.to_string())?;
    for (index, address) in addresses.iter().enumerate() {
        sender
            .send_to(&[1], address)
            .map_err(|err| format!("releasing socket {index}: {err}"))?;
    }
    Ok(())
}

/// Blocks each task in read(2) on a pipe: on tokio's blocking pool (`spawn_blocking`, which
/// starts at most 512 threads and queues the rest), or straight inside an async task, where
/// the call holds the worker thread and every task queued behind it.
fn in_syscalls(
    runtime: &Runtime,
    tasks: usize,
    waiting: &Arc<AtomicU64>,
    on_blocking_pool: bool,
) -> Result<(Vec<JoinHandle<()>>, Release), String> {
    let (reader, mut writer) = pipe().map_err(|err| format!("opening a pipe: {err}"))?;
    let reader = Arc::new(reader);
    let mut handles = Vec::with_capacity(tasks);
    for index in 0..tasks {
        let (reader, waiting) = (reader.clone(), waiting.clone());
        // excerpt-start: syscall
        let read_one = move || {
            waiting.fetch_add(1, Ordering::AcqRel);
            read_byte(&reader, index); // blocks this OS thread
        };
        handles.push(if on_blocking_pool {
            runtime.spawn_blocking(read_one)
        } else {
            runtime.spawn(async move { read_one() })
        });
        // excerpt-end: syscall
    }
    let release = move || {
        // One byte per reader; write blocks while the pipe's buffer is full, until readers
        // take their bytes.
        writer
            .write_all(&vec![0u8; tasks])
            .map_err(|err| format!("releasing the readers: {err}"))
    };
    Ok((handles, Box::new(release)))
}

fn read_byte(reader: &PipeReader, index: usize) {
    let mut buffer = [0u8; 1];
    if let Err(err) = (&*reader).read_exact(&mut buffer) {
        measure::fail(format_args!("reading the pipe in task {index}: {err}"));
    }
}

/// Waits until the number of waiting tasks and the number of OS threads have both stayed the
/// same for a while, and returns the most threads it saw.
fn settle(waiting: &AtomicU64) -> u64 {
    let (mut last, mut peak) = ((u64::MAX, u64::MAX), 0);
    let mut stable_since = Instant::now();
    while stable_since.elapsed() < SETTLED {
        thread::sleep(Duration::from_millis(2));
        let now = (waiting.load(Ordering::Acquire), measure::threads());
        peak = peak.max(now.1);
        if now != last {
            (last, stable_since) = (now, Instant::now());
        }
    }
    peak
}

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let tasks: usize = flags.get("tasks", 1_000)?;
        let wait: String = flags.get("wait", "socket".to_string())?;
        let model: String = flags.get("model", "task".to_string())?;
        if tasks == 0 {
            return Err("--tasks must be at least 1".into());
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|err| format!("starting the tokio runtime: {err}"))?;
        let waiting = Arc::new(AtomicU64::new(0));
        let start = Instant::now();
        let (handles, release) = match (wait.as_str(), model.as_str()) {
            ("socket", "task") => on_sockets(&runtime, tasks, &waiting)?,
            ("syscall", "task") => in_syscalls(&runtime, tasks, &waiting, false)?,
            ("syscall", "spawn_blocking") => in_syscalls(&runtime, tasks, &waiting, true)?,
            _ => {
                return Err(format!(
                    "unknown --wait {wait:?} --model {model:?}: use --wait socket, or --wait \
                     syscall with --model task or spawn_blocking"
                ))
            }
        };
        let peak = settle(&waiting);
        let settle_s = start.elapsed().as_secs_f64();
        let threads_waiting = measure::threads();
        let waiting_at_once = waiting.load(Ordering::Acquire);

        let release_start = Instant::now();
        release()?;
        let mut finished = 0;
        runtime.block_on(async {
            for handle in handles {
                finished += usize::from(handle.await.is_ok());
            }
        });
        emit(json!({
            "wait": wait, "model": model, "tasks": tasks, "finished": finished,
            "waiting_at_once": waiting_at_once, "threads_waiting": threads_waiting,
            "threads_peak": peak.max(threads_waiting), "settle_s": settle_s,
            "release_s": release_start.elapsed().as_secs_f64(),
        }));
        Ok(())
    })
}
