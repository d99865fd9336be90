//! Counts a text file natively with the browser module's own code and prints one JSON line,
//! as a check of the module's answer (the chapter runs the module in headless Chromium).

use std::process::ExitCode;
use std::time::Instant;

use wasm_browser::count_words;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 {
        eprintln!("usage: wasm_browser FILE");
        return ExitCode::from(2);
    }
    let text = match std::fs::read_to_string(&args[1]) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: reading the input: {err}");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    let c = count_words(&text);
    let elapsed = start.elapsed();
    println!(
        "{{\"bytes\":{},\"lines\":{},\"words\":{},\"distinct\":{},\"top_word\":{:?},\"top_count\":{},\"work_ns\":{}}}",
        c.bytes,
        c.lines,
        c.words,
        c.distinct,
        c.top_word,
        c.top_count,
        elapsed.as_nanos()
    );
    ExitCode::SUCCESS
}
