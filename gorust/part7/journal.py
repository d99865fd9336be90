"""The shell lines Part 7 adds to its experiments' journals (gorust.commands), for what the
kernels do not run: the inputs it writes into temporary folders, the WebAssembly builds, their
sizes and their runs in wasmtime. Each line is pasted from the repository's root, with the
course's virtual environment (.venv) where it calls the course's own Python."""

from __future__ import annotations

import importlib.metadata
import shlex
from pathlib import Path

from gorust import commands
from gorust.part7.common import JSON_EXPERIMENT, WASM

PYTHON = ".venv/bin/python"
# Where the pasted WebAssembly builds put their modules (ignored by git, like all of _build/).
MODULES = commands.PROGRAMS / "wasm"


def python_line(code: str, *args: object) -> str:
    return shlex.join([PYTHON, "-c", code, *map(str, args)])


def note(tool: str, version: str, program: str, line: str) -> None:
    commands.note(commands.Command(tool, version, "tool", program, line))


def written_input(folder: str | Path, name: str, code: str) -> str:
    """A line that writes what ``code`` prints (bytes, to stdout) as ``folder/name``: the runs
    name the temporary folder, which is gone once the experiment ends."""
    target = shlex.quote(f"{folder}/{name}")
    return f"mkdir -p {shlex.quote(str(folder))} && {python_line(code)} > {target}"


def note_payload(folder: str | Path) -> None:
    code = "import sys; from gorust import part7; sys.stdout.buffer.write(part7.make_payload())"
    note("python", "", JSON_EXPERIMENT, written_input(folder, "payload.json", code))


def note_text(folder: str | Path, megabytes: float) -> None:
    code = (
        "import sys; from gorust import part7; "
        f"sys.stdout.buffer.write(part7.make_text({megabytes!r}))"
    )
    note("python", "", WASM, written_input(folder, "input.txt", code))


def module_path(language: str) -> str:
    return (MODULES / language / f"{WASM}.wasm").as_posix()


def go_module_line() -> str:
    output = module_path("go")
    return (
        f"mkdir -p {shlex.quote(str(Path(output).parent))} && GOOS=wasip1 GOARCH=wasm "
        f'go -C code/go build -trimpath -o "$PWD"/{shlex.quote(output)} ./{WASM}'
    )


def rust_module_line(rustc: str, flags: tuple[str, ...], target: str) -> str:
    output = module_path("rust")
    argv = [rustc, *flags, "--target", target, "-o", f"../../../{output}", "src/main.rs"]
    return (
        f"mkdir -p {shlex.quote(str(Path(output).parent))} && "
        f"(cd code/rust/{WASM} && {shlex.join(argv)})"
    )


def note_module(language: str, toolchain: str, line: str) -> None:
    note(language, toolchain, WASM, line)


def note_size(language: str) -> None:
    """The module's size as built and with its custom sections stripped, as the table has it."""
    code = (
        'import sys; from gorust import part7; m = open(sys.argv[1], "rb").read(); '
        "print(len(m), len(part7.strip_custom_sections(m)))"
    )
    note("python", "", WASM, python_line(code, module_path(language)))


def wasmtime_version() -> str:
    try:
        return importlib.metadata.version("wasmtime")
    except importlib.metadata.PackageNotFoundError:
        return ""


def note_wasmtime_run(language: str, folder: str | Path) -> None:
    """The module run by wasmtime (the Python package the course embeds it with), its JSON
    line printed as the table's row has it."""
    code = (
        "import json, sys; from pathlib import Path; from gorust.part7 import wasm_speed; "
        "m = Path(sys.argv[1]).read_bytes(); "
        'print(json.dumps(wasm_speed.run_wasm(m, Path(sys.argv[2]), "input.txt")))'
    )
    note("wasmtime", wasmtime_version(), WASM, python_line(code, module_path(language), folder))


GO_LIST_TEMPLATE = "{{.ImportPath}}\t{{.Standard}}\t{{with .Module}}{{.Path}}{{end}}"


def go_list_line(service: str) -> str:
    """`go list -deps` of the service, in the course's module, as the experiment runs it."""
    return shlex.join(
        ["go", "-C", "code/go", "list", "-deps", "-f", GO_LIST_TEMPLATE, f"./{service}"]
    )


def cargo_tree_lines(service: str, target: str) -> list[str]:
    """The three `cargo tree` listings (every crate, the direct ones, tokio's users), in the
    course's workspace: with ``-p`` Cargo resolves the service's features alone, as the
    experiment's scratch workspace with the service as its only member does."""
    base = ["cargo", "tree", "--manifest-path", "code/rust/Cargo.toml", "--offline"]
    base += ["--prefix", "none", "-p", service, "--format", "{p}", "--color", "never"]
    base += ["--target", target]
    return [
        shlex.join([*base, "-e", "normal,build"]),
        shlex.join([*base, "-e", "normal", "--depth", "1"]),
        shlex.join([*base, "-i", "tokio", "-e", "normal,build", "--depth", "1"]),
    ]


def note_go_dependencies(service: str, go_version: str) -> None:
    note("go", go_version, service, go_list_line(service))


def note_rust_dependencies(service: str, cargo_version: str, target: str) -> None:
    for line in cargo_tree_lines(service, target):
        note("cargo", cargo_version, service, line)


def note_jsonv2_build(go_version: str) -> None:
    """The jsonv2 build with the experiment it needs: the kernel's own journaled build line
    carries no environment, and without GOEXPERIMENT=jsonv2 encoding/json/v2 does not build."""
    features = ["jsonv2"]
    output = commands.program_path("go", JSON_EXPERIMENT, features, False)
    line = commands.go_build_line("code/go", JSON_EXPERIMENT, features, False, output)
    note("go", go_version, JSON_EXPERIMENT, line.replace("&& go ", "&& GOEXPERIMENT=jsonv2 go ", 1))


# -- The service's build costs ----------------------------------------------------------------
COLD = "/tmp/gorust-part7-cold"
MANIFEST = "--manifest-path code/rust/Cargo.toml"
EDITED = '"status": "ok edited"'
ORIGINAL = '"status": "ok"'


def _edit(path: str, old: str, new: str) -> str:
    return f"sed -i {shlex.quote(f's/{old}/{new}/')} {path}"


def cold_build_lines(service: str) -> dict[str, str]:
    """A cold build of each service from nothing (an empty GOCACHE, standard library
    included; an empty Cargo target directory, crates already downloaded), timed, then its
    binary's size as built and stripped."""
    go_dir, rust_dir = f"{COLD}/go", f"{COLD}/rust"
    go_binary, rust_binary = f"{go_dir}/{service}", f"{rust_dir}/release/{service}"

    def sizes(binary: str) -> str:
        return f"strip -o {binary}.stripped {binary} && wc -c {binary} {binary}.stripped"

    return {
        "go": f"rm -rf {go_dir} && mkdir -p {go_dir} && time GOCACHE={go_dir}/gocache "
        f"go -C code/go build -v -trimpath -o {go_binary} ./{service} && {sizes(go_binary)}",
        "rust": f"rm -rf {rust_dir} && cargo fetch {MANIFEST} && time CARGO_TARGET_DIR="
        f"{rust_dir} cargo build --release --locked --offline {MANIFEST} -p {service} && "
        f"{sizes(rust_binary)}",
    }


def warm_build_lines(service: str) -> dict[str, str]:
    """A rebuild after a one-line change to the health check's reply, everything else
    compiled already: built once, edited, rebuilt under ``time``, and the edit undone."""
    go_source = f"code/go/{service}/main.go"
    rust_source = f"code/rust/{service}/src/main.rs"
    go_build = (
        f'go -C code/go build -trimpath -o "$PWD"/_build/programs/go/{service}-edited ./{service}'
    )
    rust_build = f"cargo build --release --locked --offline {MANIFEST} -p {service}"
    return {
        "go": f"{go_build} && {_edit(go_source, ORIGINAL, EDITED)} && time {go_build}; "
        f"{_edit(go_source, EDITED, ORIGINAL)}",
        "rust": f"{rust_build} && {_edit(rust_source, ORIGINAL, EDITED)} && time {rust_build}; "
        f"{_edit(rust_source, EDITED, ORIGINAL)} && {rust_build}",
    }


def note_builds(service: str, versions: dict[str, str]) -> None:
    for kind in (cold_build_lines(service), warm_build_lines(service)):
        for language, line in kind.items():
            note(language, versions[language], service, line)
