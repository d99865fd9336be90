//! The Benchmarks Game's binary-trees workload, single-threaded: build and walk many
//! short-lived perfect binary trees beside one long-lived tree. With `--alloc box` every node
//! is its own heap allocation, freed when its tree is dropped; with `--alloc arena` each tree
//! lives in a bump arena that is reset, not freed node by node, once the tree has been walked.

use std::process::ExitCode;
use std::time::Instant;

use bumpalo::Bump;
use measure::{emit, json, Flags};

const MIN_DEPTH: u32 = 4;

// excerpt-start: trees
/// One tree node owning its children; a leaf has none.
struct Node {
    children: Option<(Box<Node>, Box<Node>)>,
}

impl Node {
    fn bottom_up(depth: u32) -> Box<Node> {
        let children =
            (depth > 0).then(|| (Node::bottom_up(depth - 1), Node::bottom_up(depth - 1)));
        Box::new(Node { children })
    }

    fn check(&self) -> u64 {
        match &self.children {
            None => 1,
            Some((left, right)) => 1 + left.check() + right.check(),
        }
    }
}

/// The same node, borrowed from an arena that outlives it.
struct ArenaNode<'a> {
    children: Option<(&'a ArenaNode<'a>, &'a ArenaNode<'a>)>,
}

impl<'a> ArenaNode<'a> {
    fn bottom_up(arena: &'a Bump, depth: u32) -> &'a ArenaNode<'a> {
        let children = (depth > 0).then(|| {
            (
                ArenaNode::bottom_up(arena, depth - 1),
                ArenaNode::bottom_up(arena, depth - 1),
            )
        });
        arena.alloc(ArenaNode { children })
    }

    fn check(&self) -> u64 {
        match self.children {
            None => 1,
            Some((left, right)) => 1 + left.check() + right.check(),
        }
    }
}

fn with_boxes(max_depth: u32) -> u64 {
    let mut checks = Node::bottom_up(max_depth + 1).check();
    let long_lived = Node::bottom_up(max_depth);
    for depth in (MIN_DEPTH..=max_depth).step_by(2) {
        for _ in 0..1_u64 << (max_depth - depth + MIN_DEPTH) {
            checks += Node::bottom_up(depth).check();
        }
    }
    checks + long_lived.check()
}

fn with_arenas(max_depth: u32) -> u64 {
    let mut checks = ArenaNode::bottom_up(&Bump::new(), max_depth + 1).check();
    let long_lived_arena = Bump::new();
    let long_lived = ArenaNode::bottom_up(&long_lived_arena, max_depth);
    let mut arena = Bump::new();
    for depth in (MIN_DEPTH..=max_depth).step_by(2) {
        for _ in 0..1_u64 << (max_depth - depth + MIN_DEPTH) {
            checks += ArenaNode::bottom_up(&arena, depth).check();
            arena.reset();
        }
    }
    checks + long_lived.check()
}
// excerpt-end: trees

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let max_depth = flags.get("depth", 18_u32)?.max(MIN_DEPTH + 2);
        let alloc: String = flags.get("alloc", "box".to_string())?;
        let start = Instant::now();
        let checks = match alloc.as_str() {
            "box" => with_boxes(max_depth),
            "arena" => with_arenas(max_depth),
            other => return Err(format!("unknown --alloc {other:?}: use box or arena")),
        };
        emit(json!({
            "depth": max_depth, "checks": checks, "elapsed_s": start.elapsed().as_secs_f64(),
        }));
        Ok(())
    })
}
