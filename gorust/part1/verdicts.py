"""Part 1's claim check and the numbers its prose shows: rules over the recorded tables
(gorust.claims), so that every verdict and comparison word follows the data."""

from __future__ import annotations

import pandas as pd

from gorust import claims
from gorust.part1 import (
    DataRace,
    generic_methods,
    generics_ratios,
    interval_names,
    safety,
    size_growth,
)

CHAPTER = "part1"
NO_COST = "no measurable cost"
# Two ratios within this factor of each other are "about the same" speed.
SAME_SPEED = 1.25


def _ratios(t: claims.Tables) -> pd.DataFrame:
    return generics_ratios(t["generics_cost"])


def _ratio(ratios: pd.DataFrame, language: str, case: str) -> pd.Series:
    return ratios[(ratios.language == language) & (ratios.case == case)].iloc[0]


def _generic(ratios: pd.DataFrame, language: str) -> pd.DataFrame:
    """The language's generic cases (not the dynamic-dispatch context case)."""
    return ratios[(ratios.language == language) & ratios.case.str.endswith("generic")]


def _cases(rows: pd.DataFrame) -> str:
    return ", ".join(f"{r.case} {r.ratio:.2f}×" for r in rows.itertuples())


def _functions(rows: pd.DataFrame) -> str:
    """The functions of some cases, each named once: "sum, max"."""
    return ", ".join(dict.fromkeys(case.split("(")[0] for case in rows.case))


def _kinds(generic: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The generic cases that cost nothing, those that are slower, and the undecided rest."""
    free = generic[generic.verdict == NO_COST]
    slower = generic[generic.verdict.str.endswith("slower")]
    return free, slower, generic.drop(free.index).drop(slower.index)


@claims.rule(
    CHAPTER,
    claim="Go: “No Generics (until recently, and still limited)”",
    anchor="golang/go#50182 and PlanetScale (2022): 461 ns vs 65 ns for a generic call "
    "through a dictionary before later fixes",
    tables=("generics_cost",),
)
def go_generics(t: claims.Tables) -> claims.Finding:
    ratios = _ratios(t)
    free, slower, undecided = _kinds(_generic(ratios, "go"))
    pointer = _ratio(ratios, "go", "area(pointer to Rect) generic")
    measured = (
        "Tested: what Go's generics cost at run time against hand-written code, not what "
        f"they can express. {len(free)} of {len(free) + len(slower) + len(undecided)} generic "
        f"cases with no measurable cost; slower: {_cases(slower) or 'none'} "
        f"(through pointers {pointer.median_ns:,.0f} vs {pointer.concrete_ns:,.0f} ns "
        "per 1,024 calls)."
    )
    if not undecided.empty:
        verdict = f"inconclusive here: {_cases(undecided)} neither clearly equal nor apart"
    elif slower.empty:
        verdict = "does not hold: in speed, Go's generics cost nothing measurable here"
    elif free.empty:
        verdict = "holds: every generic case tested is slower than its hand-written twin"
    else:
        verdict = (
            f"depends: Go has generics (1.18+); {_functions(free)} cost nothing measurable, "
            f"{_functions(slower)} through a constraint is slower than the hand-written code"
        )
    return claims.Finding(measured, verdict)


@claims.rule(
    CHAPTER,
    claim="Go: “No Generics (until recently, and still limited)”: what they can express",
    anchor="The Go 1.18 type-parameters design, section “No parameterized methods”; "
    "golang/go#49085, the proposal to allow them",
    tables=("generic_method",),
    key="go-generic-methods",
)
def go_generic_methods(t: claims.Tables) -> claims.Finding:
    frame = t["generic_method"]
    rows = {
        (language, form): generic_methods.fate(frame, language, form)
        for language in ("go", "rust")
        for form in generic_methods.FORMS
    }
    if any(row is None for row in rows.values()):
        return claims.Finding(
            "The generic-method table is incomplete.", "inconclusive here: a form was not tried"
        )
    go_method, go_function = rows["go", "method"], rows["go", "function"]
    rust_method = rows["rust", "method"]
    measured = (
        "A Map with its own type parameter, as a method of a generic type: Go "
        f"{go_method.outcome} ({go_method.message}); Rust {rust_method.outcome} "
        f"({rust_method.message}). As a top-level function, Go {go_function.outcome} "
        f"({go_function.message})."
    )
    outputs = {row.message for row in rows.values() if row.outcome == generic_methods.COMPILED}
    if go_function.outcome != generic_methods.COMPILED or len(outputs) != 1:
        verdict = "inconclusive here: the forms that compiled did not all print the same result"
    elif go_method.outcome == generic_methods.COMPILED:
        verdict = "does not hold: Go compiles a method with its own type parameter"
    elif rust_method.outcome != generic_methods.COMPILED:
        verdict = "inconclusive here: rustc refuses the method form too"
    else:
        verdict = (
            "holds: a method cannot declare its own type parameter in Go; the same method "
            "compiles in Rust, and Go's workaround is a top-level function"
        )
    return claims.Finding(measured, verdict)


def _monomorphization_verdict(generic: pd.DataFrame) -> str:
    differs = generic[generic.verdict != NO_COST]
    if differs.empty:
        return "holds: every generic case runs as fast as its hand-written twin"
    if not differs.verdict.str.endswith(("slower", "faster")).all():
        return f"inconclusive here: {len(differs)} case(s) neither clearly equal nor clearly apart"
    # A method called through a trait bound is where dispatch would show, if there were any.
    methods = generic[generic.case.str.startswith("area(")]
    dispatch = (
        "no dispatch cost in the trait-bound method calls"
        if (methods.verdict == NO_COST).all()
        else "a trait-bound method call costs " + _cases(methods[methods.verdict != NO_COST])
    )
    return (
        f"depends: {dispatch}, but the optimiser compiled "
        + ", ".join(differs.case)
        + " to different machine code than the hand-written twin"
    )


@claims.rule(
    CHAPTER,
    claim="Rust: “Traits and Generics (Monomorphization)”",
    anchor="Monomorphization generates a copy per type (The Rust Book, ch. 10.1)",
    tables=("generics_cost",),
)
def rust_generics(t: claims.Tables) -> claims.Finding:
    ratios = _ratios(t)
    generic = _generic(ratios, "rust")
    differs = generic[generic.verdict != NO_COST]
    reference = _ratio(ratios, "rust", "area(pointer to Rect) generic")
    measured = (
        "Tested: whether monomorphized generic code runs as fast as hand-written code. "
        f"{len(generic) - len(differs)} of {len(generic)} generic Rust cases with no "
        f"measurable cost; a method through a trait bound on references: "
        f"{reference.ratio:.2f}×"
        + "".join(f"; {r.case}: {r.ratio:.2f}×" for r in differs.itertuples())
        + "."
    )
    return claims.Finding(measured, _monomorphization_verdict(generic))


@claims.rule(
    CHAPTER,
    claim="Monomorphization costs code size per type",
    anchor="Go stencils one copy per GC shape and passes a dictionary (Go 1.18 design); "
    "Rust one copy per type",
    tables=("generic_size",),
    source="course",
)
def code_size(t: claims.Tables) -> claims.Finding:
    size = size_growth(t["generic_size"]).set_index("language")
    rust, go = (size.loc[lang, "bytes_per_further_type"] for lang in ("rust", "go"))
    measured = (
        f"Each further type adds {rust / 1024:.1f} KiB of machine code in Rust and "
        f"{go / 1024:.1f} KiB in Go (a hash set per type; slope over 1–16 types)."
    )
    if rust <= 0:
        return claims.Finding(measured, "does not hold: Rust's code did not grow per type")
    if rust > go:
        return claims.Finding(measured, "holds: Rust's code grows faster per type than Go's")
    return claims.Finding(
        measured, "does not hold: Go's code grew faster per type than Rust's here"
    )


def _fixed_exact(race: DataRace) -> tuple[bool, str]:
    fixed = race.fixed_runs
    wrong = fixed[~fixed.exact]
    if wrong.empty:
        return True, "Mutex and atomic versions are exact in both"
    names = ", ".join(f"{r.language} {r.mode}" for r in wrong.itertuples())
    return False, f"A synchronised version miscounted: {names}"


@claims.rule(
    CHAPTER,
    claim="Rust: “The goal is: ‘If it compiles, it works.’”",
    anchor="The Rustonomicon: safe Rust has no data races; go.dev/doc/articles/race_detector",
    tables=("data_race",),
)
def data_race(t: claims.Tables) -> claims.Finding:
    race = DataRace.from_tables(t)
    lost = race.go_lost_updates
    wrong = int((~lost.exact.astype(bool)).sum())
    codes = ", ".join(race.rust_refusal.error_codes)
    exact, fixed = _fixed_exact(race)
    rustc = "accepts it" if race.rust_compiled_the_race else f"refuses it ({codes})"
    measured = (
        f"The same shared-counter race: rustc {rustc}; Go compiles it, the count was wrong in "
        f"{wrong} of {len(lost)} runs and the race detector "
        f"{'flagged' if race.race_reported else 'missed'} it at run time. {fixed}."
    )
    if not exact:
        verdict = "inconclusive here: a synchronised counter miscounted, so the test is broken"
    elif race.rust_compiled_the_race:
        verdict = "does not hold: rustc compiled the data race"
    else:
        verdict = (
            "depends: it holds for data races (refused at compile time); logic errors still "
            "compile in both languages"
        )
    return claims.Finding(measured, verdict)


@claims.rule(
    CHAPTER,
    claim="Summary Matrix, Safety: Go “Good (Runtime checks)”, Rust “Best (Compile checks)”",
    anchor="The Rust Book, ch. 4 (ownership) and ch. 16 (fearless concurrency); the Go "
    "specification's run-time panics; Go's runtime reports concurrent map writes and a "
    "deadlock of all goroutines",
    tables=("classic_bugs",),
)
def classic_bugs(t: claims.Tables) -> claims.Finding:
    frame = t["classic_bugs"]
    counts = safety.outcome_counts(frame)
    go, rust = counts["go"], counts["rust"]
    quiet = {lang: int(counts[lang][list(safety.SILENT)].sum()) for lang in ("go", "rust")}
    measured = (
        f"{len(safety.BUGS)} classic bugs, each written the usual way in both languages: "
        f"refused at compile time by rustc {rust[safety.REFUSED]}, by Go's compiler "
        f"{go[safety.REFUSED]}; stopped at run time with a message: Go {go[safety.STOPPED]}, "
        f"Rust {rust[safety.STOPPED]}; left with no message (a hang or a wrong result): Go "
        f"{quiet['go']}, Rust {quiet['rust']}."
    )
    missing = len(safety.BUGS) * 2 - len(frame)
    if missing or counts.loc[safety.BROKEN].sum():
        verdict = "inconclusive here: a bug program failed for another reason, or is missing"
    elif rust[safety.REFUSED] <= go[safety.REFUSED]:
        verdict = "does not hold: rustc refused no more of the bugs than Go's compiler"
    elif quiet["rust"] > quiet["go"]:
        only = ", ".join(safety.silent_bugs(frame, "rust"))
        verdict = (
            f"depends: rustc refused {rust[safety.REFUSED]} bugs that Go compiles, but Rust "
            f"left more bugs with no message ({quiet['rust']}: {only}) than Go "
            f"({quiet['go']})"
        )
    else:
        verdict = (
            f"holds: rustc refused {rust[safety.REFUSED]} bugs that Go compiles, and Rust left "
            f"no more bugs with no message than Go ({quiet['rust']} against {quiet['go']})"
        )
    return claims.Finding(measured, verdict)


@claims.facts(CHAPTER, tables=("classic_bugs",))
def safety_facts(t: claims.Tables) -> dict[str, str]:
    frame = t["classic_bugs"]
    counts = safety.outcome_counts(frame)
    linted = frame[(frame.outcome != safety.REFUSED) & frame["lint"].fillna("").ne("")]
    return {
        "part1.bugs_count": str(len(safety.BUGS)),
        "part1.bugs_refused_rust": str(counts.loc[safety.REFUSED, "rust"]),
        "part1.bugs_refused_go": str(counts.loc[safety.REFUSED, "go"]),
        "part1.bugs_stopped_go": str(counts.loc[safety.STOPPED, "go"]),
        "part1.bugs_silent_go": ", ".join(safety.silent_bugs(frame, "go")) or "none",
        "part1.bugs_silent_rust": ", ".join(safety.silent_bugs(frame, "rust")) or "none",
        "part1.bugs_overflow": safety.fates(frame, "integer_overflow"),
        "part1.bugs_deadlock": safety.fates(frame, "deadlock"),
        "part1.bugs_deadlock_in_server": safety.fates(frame, "deadlock_in_server"),
        "part1.bugs_linted": (
            "neither go vet nor Clippy said anything about the bugs that compiled"
            if linted.empty
            else f"the linters flagged {len(linted)} of the bugs that compiled"
        ),
    }


# -- The numbers the prose shows -----------------------------------------------------------------
@claims.facts(CHAPTER, tables=("generics_cost",))
def generics_facts(t: claims.Tables) -> dict[str, str]:
    ratios = _ratios(t)
    numeric = ratios[ratios.case.str.match(r"(sum|max)\(") & (ratios.language == "go")]
    numeric_free = numeric[numeric.verdict == NO_COST]
    rust = _generic(ratios, "rust")
    apart = rust[rust.verdict != NO_COST]
    method = _ratio(ratios, "go", "area(Rect) generic")
    dynamic = _ratio(ratios, "go", "area(Rect) dynamic")
    near = 1 / SAME_SPEED <= method.ratio / dynamic.ratio <= SAME_SPEED
    return {
        "part1.interval": interval_names(ratios),
        "part1.rust_apart": f"here {_cases(apart)}" if len(apart) else "here, none does",
        "part1.go_numeric": (
            f"nothing measurable ({len(numeric_free)} of {len(numeric)} cases)"
            if len(numeric_free) == len(numeric)
            else f"something in {len(numeric) - len(numeric_free)} of {len(numeric)} cases"
        ),
        "part1.go_method": (
            f"{method.ratio:.1f}× the hand-written time, "
            + ("about" if near else "not")
            + f" the speed of an interface call ({dynamic.ratio:.1f}×)"
        ),
    }


@claims.facts(CHAPTER, tables=("generic_method",))
def generic_method_facts(t: claims.Tables) -> dict[str, str]:
    frame = t["generic_method"]
    go_method = generic_methods.fate(frame, "go", generic_methods.METHOD)
    rust_method = generic_methods.fate(frame, "rust", generic_methods.METHOD)
    go_function = generic_methods.fate(frame, "go", generic_methods.FUNCTION)
    return {
        "part1.go_method_form": (
            "not measured" if go_method is None else f"{go_method.outcome}: {go_method.message}"
        ),
        "part1.rust_method_form": (
            "not measured"
            if rust_method is None
            else f"{rust_method.outcome}: {rust_method.message}"
        ),
        "part1.go_function_form": (
            "not measured"
            if go_function is None
            else f"{go_function.outcome}: {go_function.message}"
        ),
    }


@claims.facts(CHAPTER, tables=("generic_size",))
def size_facts(t: claims.Tables) -> dict[str, str]:
    size = size_growth(t["generic_size"]).set_index("language")
    per_type = size.bytes_per_further_type / 1024
    binary = size.binary_bytes_16_types / 2**20
    smaller = binary.idxmin()
    name = {"go": "Go", "rust": "Rust"}
    return {
        "part1.go_kib_per_type": f"{per_type['go']:.1f} KiB",
        "part1.rust_kib_per_type": f"{per_type['rust']:.1f} KiB",
        "part1.faster_growth": f"{name[per_type.idxmax()]}'s",
        "part1.smaller_binary": (
            f"the {name[smaller]} binary is smaller overall ({binary['rust']:.1f} MiB for Rust, "
            f"{binary['go']:.1f} MiB for Go, with 16 types)"
        ),
    }


@claims.facts(CHAPTER, tables=("data_race",))
def race_facts(t: claims.Tables) -> dict[str, str]:
    race = DataRace.from_tables(t)
    lost = race.go_lost_updates
    wrong = lost[lost.lost > 0]
    exact, fixed = _fixed_exact(race)
    refused = not race.rust_compiled_the_race
    return {
        "part1.lost_updates": (
            f"{len(wrong)} of {len(lost)} runs lost updates"
            + (f", from {wrong.lost.min():,} to {wrong.lost.max():,}" if len(wrong) else "")
            + f" of {int(lost.expected.iloc[0]):,}"
        ),
        "part1.fixed_exact": (
            "give the exact count in both languages"
            if exact
            else "do not all give the exact count: " + fixed.split(": ", 1)[1]
        ),
        "part1.race_refused": (
            f"rustc refused it ({', '.join(race.rust_refusal.error_codes)}), so for this "
            "class of bug the claim holds"
            if refused
            else "rustc accepted it, so the claim fails even for this class of bug"
        ),
    }
