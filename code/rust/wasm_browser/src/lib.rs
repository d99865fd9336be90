//! Counts the words of a text: its bytes, lines and words, how many distinct words it holds
//! and which is the most frequent. Compiled for `wasm32-unknown-unknown` as a `cdylib`, it
//! exports plain C functions to the page that loads it, where the course runs it in headless
//! Chromium: no wasm-bindgen, the page copies the text into the module's memory itself.
//!
//! It does the same work as its Go twin (code/go/wasm_browser) and as Part 7's WASI word
//! count: words are split lazily on Unicode whitespace (`split_whitespace`, Go's
//! `strings.FieldsSeq`) and the map's keys borrow from the counted text.

use std::collections::HashMap;
use std::mem::size_of;

/// What one count finds; the top word borrows from the counted text.
pub struct Counts<'a> {
    pub bytes: usize,
    pub lines: usize,
    pub words: usize,
    pub distinct: usize,
    pub top_word: &'a str,
    pub top_count: usize,
}

/// Counts `text`'s words; ties for the most frequent word go to the smallest.
pub fn count_words(text: &str) -> Counts<'_> {
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
    Counts {
        bytes: text.len(),
        lines: text.bytes().filter(|&b| b == b'\n').count(),
        words,
        distinct: counts.len(),
        top_word: top,
        top_count,
    }
}

// excerpt-start: export
/// Reserves `len` bytes in the module's memory, for the page to copy the text into.
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len);
    let pointer = buffer.as_mut_ptr();
    std::mem::forget(buffer); // the page owns it until it calls `dealloc`
    pointer
}

/// Gives back what `alloc` reserved.
///
/// # Safety
/// `pointer` and `len` must be a pair that `alloc` returned and took, freed once.
#[no_mangle]
pub unsafe extern "C" fn dealloc(pointer: *mut u8, len: usize) {
    drop(Vec::from_raw_parts(pointer, 0, len));
}

/// Counts the `len` bytes of UTF-8 text at `text` and writes seven numbers at `out`, each
/// a little-endian `usize`: bytes, lines, words, distinct words, the top word's count, and its
/// offset and length in the text. Returns 0, or 1 when the text is not UTF-8.
///
/// # Safety
/// `text` must point to `len` readable bytes and `out` to seven `usize`s' worth of writable
/// bytes (28 on wasm32), which need no alignment.
#[no_mangle]
pub unsafe extern "C" fn word_count(text: *const u8, len: usize, out: *mut u8) -> u32 {
    let bytes = std::slice::from_raw_parts(text, len);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => return 1,
    };
    let c = count_words(text);
    let offset = c.top_word.as_ptr() as usize - text.as_ptr() as usize;
    let found = [
        c.bytes,
        c.lines,
        c.words,
        c.distinct,
        c.top_count,
        offset,
        c.top_word.len(),
    ];
    let out = std::slice::from_raw_parts_mut(out, found.len() * size_of::<usize>());
    for (slot, value) in out.chunks_exact_mut(size_of::<usize>()).zip(found) {
        slot.copy_from_slice(&value.to_le_bytes());
    }
    0
}
// excerpt-end: export
