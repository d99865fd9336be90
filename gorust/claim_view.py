"""The claim check as a reader scans it: per claim, a coloured verdict badge with one of the
four labels and one sentence; what was measured and the public anchor folded beneath.

The badge is an inline-styled ``<span>`` (so JupyterLab, which lacks the book's stylesheet,
shows its colour too) with the classes ``gvr-verdict gvr-verdict-<label>``; the Verdict
chapter's counts and ledger use the same badge, so a label has one colour everywhere.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from markdown_it import MarkdownIt

from gorust.claims import Claim, verdict_word

# One colour per label: dark enough for white text (WCAG AA) on light and dark pages.
VERDICT_COLOURS = {
    "holds": "#1e7a3c",
    "does not hold": "#b3261e",
    "depends": "#8a5a00",
    "inconclusive here": "#5f6368",
}


def verdict_slug(word: str) -> str:
    return word.replace(" ", "-")


def badge(verdict: str) -> str:
    """The verdict's label as a coloured badge (HTML)."""
    word = verdict_word(verdict)
    return (
        f'<span class="gvr-verdict gvr-verdict-{verdict_slug(word)}" '
        f'style="background:{VERDICT_COLOURS[word]};color:#fff;border-radius:0.8em;'
        f'padding:0.05em 0.6em;font-weight:600;white-space:nowrap;font-size:0.9em">'
        f"{html.escape(word)}</span>"
    )


def inline(text: object) -> str:
    """Claim text as HTML: escaped, with its `code` spans kept as code."""
    escaped = html.escape(str(text))
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


def sentence(claim: Claim) -> str:
    """One sentence that says why: the verdict's reason, else the first of the measurement."""
    _, _, reason = claim.verdict.partition(":")
    text = reason.strip() or re.split(r"(?<=\.)\s", claim.measured.strip(), maxsplit=1)[0]
    return text[:1].upper() + text[1:] if text else ""


def row(claim: Claim) -> str:
    course = (
        ' <em class="gvr-course-finding">(the course’s finding)</em>'
        if claim.source == "course"
        else ""
    )
    return (
        "<tr>"
        f'<td class="gvr-claim">{inline(claim.claim)}{course}</td>'
        f'<td class="gvr-verdict-cell">{badge(claim.verdict)} {inline(sentence(claim))}'
        '<details class="gvr-evidence"><summary>Measured here, and the public anchor</summary>'
        f"<p><strong>Measured here:</strong> {inline(claim.measured)}</p>"
        f"<p><strong>Public anchor:</strong> {inline(claim.anchor)}</p>"
        "</details></td>"
        "</tr>"
    )


# A printed page cannot unfold a panel: the folded numbers open before the browser prints.
OPEN_FOR_PRINT = (
    "<script>window.addEventListener('beforeprint', function () {"
    "document.querySelectorAll('details.gvr-evidence')"
    ".forEach(function (d) { d.open = true; }); });</script>"
)


def claims_html(claims: Iterable[Claim]) -> str:
    """The claim-check table, in a container that scrolls sideways on a narrow screen."""
    body = "".join(row(c) for c in claims)
    return (
        '<div class="gvr-table-scroll"><table class="gvr-claims">'
        '<thead><tr><th scope="col">Claim</th><th scope="col">Verdict</th></tr></thead>'
        f"<tbody>{body}</tbody></table></div>{OPEN_FOR_PRINT}"
    )


def markdown_html(text: str) -> str:
    """Markdown (tables, emphasis, inline HTML) as HTML, each table in a scrolling container."""
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    return rendered.replace("<table>", '<div class="gvr-table-scroll"><table>').replace(
        "</table>", "</table></div>"
    )


__all__ = ["VERDICT_COLOURS", "badge", "claims_html", "markdown_html", "sentence"]
