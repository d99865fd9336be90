"""Part 5's line classifier: the rule the chapter states, on small sources written for the test."""

from __future__ import annotations

from pathlib import Path

from gorust import part5

GO_SOURCE = """package main

import (
\t"errors"
\t"fmt"
)

// ErrGone is a sentinel.
var ErrGone = errors.New("gone")

type GoneError struct {
\tName string
}

func (e *GoneError) Error() string { return "gone: " + e.Name }

func load(name string) (string, error) {
\tif name == "" {
\t\treturn "", &GoneError{Name: name}
\t}
\tdata, err := read(name)
\tif err != nil {
\t\treturn "", fmt.Errorf("load %s: %w", name, err)
\t}
\tif err := check(data); err != nil {
\t\treturn "", err
\t}
\treturn data, nil
}
"""

RUST_SOURCE = """use std::fmt;

/// The error.
#[derive(Debug)]
pub enum LoadError {
    Gone(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "gone {{}}")
    }
}

fn load(name: &str) -> Result<String, LoadError> {
    if name.is_empty() {
        return Err(LoadError::Gone(name.to_string()));
    }
    let data = read(name).map_err(|_| LoadError::Gone {
        name: name.to_string(),
    })?;
    let text = parse(&data)
        .map_err(|_| LoadError::Gone(name.to_string()))?;
    check(&text)?;
    Ok(text)
}
"""


def _labels(tmp_path: Path, name: str, source: str) -> dict[str, str | None]:
    path = tmp_path / name
    path.write_text(source)
    return {line.text.strip(): line.category for line in part5.classify_source(path)}


def test_go_lines_are_labelled_by_the_stated_rule(tmp_path):
    labels = _labels(tmp_path, "x.go", GO_SOURCE)
    assert labels["package main"] is None
    assert labels['"errors"'] is None
    assert labels["// ErrGone is a sentinel."] is None
    assert labels['var ErrGone = errors.New("gone")'] == part5.TYPES
    assert labels["Name string"] == part5.TYPES
    assert labels['func (e *GoneError) Error() string { return "gone: " + e.Name }'] == part5.TYPES
    assert labels['if name == "" {'] == part5.CREATING
    assert labels['return "", &GoneError{Name: name}'] == part5.CREATING
    assert labels["data, err := read(name)"] == part5.MIXED
    assert labels["if err != nil {"] == part5.CHECKS
    assert labels['return "", fmt.Errorf("load %s: %w", name, err)'] == part5.CHECKS
    assert labels["if err := check(data); err != nil {"] == part5.MIXED
    assert labels['return "", err'] == part5.CHECKS
    assert labels["return data, nil"] == part5.OTHER
    assert labels["func load(name string) (string, error) {"] == part5.OTHER


def test_rust_lines_are_labelled_by_the_stated_rule(tmp_path):
    labels = _labels(tmp_path, "x.rs", RUST_SOURCE)
    assert labels["use std::fmt;"] is None
    assert labels["#[derive(Debug)]"] == part5.TYPES
    assert labels["Gone(String),"] == part5.TYPES
    assert labels['write!(f, "gone {{}}")'] == part5.TYPES
    assert labels["if name.is_empty() {"] == part5.CREATING
    assert labels["return Err(LoadError::Gone(name.to_string()));"] == part5.CREATING
    assert labels["let data = read(name).map_err(|_| LoadError::Gone {"] == part5.MIXED
    assert labels["name: name.to_string(),"] == part5.CHECKS
    assert labels["})?;"] == part5.CHECKS
    assert labels["let text = parse(&data)"] == part5.OTHER
    assert labels[".map_err(|_| LoadError::Gone(name.to_string()))?;"] == part5.CHECKS
    assert labels["check(&text)?;"] == part5.MIXED
    assert labels["Ok(text)"] == part5.OTHER


def test_the_pipeline_shares_come_from_the_committed_sources():
    shares = part5.line_shares()
    assert list(shares.implementation) == list(part5.VARIANTS.values())
    assert (shares.error_lines <= shares.code_lines).all()
    assert shares.error_share.between(0, 1).all()
    go = shares.set_index("language").loc["go"]
    assert go.if_err_blocks >= 3
