//! Counts the bytes, lines and words of a text file, how many distinct words it holds and which
//! is the most frequent, and prints one JSON line. It uses the standard library only, so that
//! it builds unchanged for Linux and for WebAssembly (wasm32-wasip1), where the course runs it
//! with wasmtime.
//!
//! It does the same work as its Go twin: the file is read once into the string that is
//! counted, words are split lazily on Unicode whitespace (`split_whitespace`, Go's
//! `strings.FieldsSeq`) and the map's keys borrow from that string.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 {
        eprintln!("usage: wasm_wordcount FILE");
        return ExitCode::from(2);
    }
    let start = Instant::now();
    let text = match std::fs::read_to_string(&args[1]) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: reading the input: {err}");
            return ExitCode::FAILURE;
        }
    };
    // excerpt-start: count
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut words = 0;
    for word in text.split_whitespace() {
        *counts.entry(word).or_insert(0) += 1;
        words += 1;
    }
    let (mut top, mut top_count) = ("", 0);
    for (&word, &n) in &counts {
        if n > top_count || (n == top_count && word < top) {
            top = word;
            top_count = n;
        }
    }
    let elapsed = start.elapsed();
    // excerpt-end: count
    println!(
        "{{\"bytes\":{},\"lines\":{},\"words\":{},\"distinct\":{},\"top_word\":{:?},\"top_count\":{},\"work_ns\":{}}}",
        text.len(),
        text.bytes().filter(|&b| b == b'\n').count(),
        words,
        counts.len(),
        top,
        top_count,
        elapsed.as_nanos()
    );
    ExitCode::SUCCESS
}
