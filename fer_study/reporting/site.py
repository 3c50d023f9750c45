"""A static HTML report of one results folder, readable in any browser without Jupyter.

`build(root)` writes `root/site/`: `index.html` (what ran, on which data, at which commit; the
claim table and the verdict figure; every figure, table and executed notebook linked) and
`notebooks/<name>.html` (each executed notebook rendered by nbconvert). Links are relative, so the
folder can be copied, zipped or served as it is.
"""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from fer_study.core import atomic

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.82rem; } td, th { border: 1px solid #ccc; padding: 0.2rem 0.4rem;
vertical-align: top; } th { background: #f4f4f4; } .stamp { color: #555; font-size: 0.9rem; }
.figs { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: 1rem; }
.figs figure { margin: 0; } .figs img { width: 100%; border: 1px solid #eee; }
.v-reproduced { background: #e3f4e3; } .v-not-reproduced { background: #fbe3e3; }
.v-inconclusive-at-this-budget { background: #fdf0dc; }
"""


def _stamp(root: Path) -> str:
    """Profile, data and commit of the run, from run.json (or a summary when run.json is absent)."""
    rec = {}
    if (root / "run.json").exists():
        rec = json.loads((root / "run.json").read_text())
    else:
        for p in sorted((root / "summaries").glob("*.json")):
            rec = json.loads(p.read_text())
            break
    data = rec.get("data", {})
    git = (rec.get("provenance") or {}).get("git") or {}
    commit = (git.get("commit") or "unknown")[:10] + (" (with uncommitted changes)" if git.get("dirty") else "")
    return (
        f"profile <b>{html.escape(str(rec.get('profile', '?')))}</b> · data "
        f"<b>{html.escape(str(data.get('data_label', '?')))}</b> (sha256 {html.escape(str(data.get('sha256', '?'))[:12])}) "
        f"· commit {html.escape(commit)}"
        + (f" · command <code>{html.escape(rec['command'])}</code>" if rec.get("command") else "")
    )


def _notebooks(root: Path, site: Path) -> list[tuple[str, str]]:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    out = []
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        body, _ = exporter.from_filename(str(nb))
        target = site / "notebooks" / f"{nb.stem}.html"
        atomic.write_text(target, body)
        out.append((nb.stem, f"notebooks/{nb.stem}.html"))
    return out


def _claims(root: Path) -> str:
    path = root / "tables" / "07_claims.csv"
    if not path.exists():
        return "<p>No claim table yet: notebook 07 has not run for this folder.</p>"
    df = pd.read_csv(path).fillna("")
    cols = [
        c
        for c in ("id", "claim", "paper", "ours", "95% interval", "interval kind", "verdict", "why / caveat")
        if c in df.columns
    ]
    rows = []
    for _, r in df[cols].iterrows():
        css = "v-" + str(r.get("verdict", "")).replace(" ", "-")
        rows.append(
            f'<tr class="{html.escape(css)}">' + "".join(f"<td>{html.escape(str(r[c]))}</td>" for c in cols) + "</tr>"
        )
    head = "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in cols) + "</tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def build(root: str | Path) -> Path:
    """Render `root` (a results folder) into `root/site/`; returns the index's path."""
    root = Path(root)
    if not (root / "summaries").is_dir() and not (root / "notebooks").is_dir():
        raise FileNotFoundError(f"{root}: no summaries/ or notebooks/ here; run the study into this folder first")
    site = root / "site"
    (site / "notebooks").mkdir(parents=True, exist_ok=True)
    notebooks = _notebooks(root, site)
    figures = sorted((root / "figures").glob("*.png"))
    tables = sorted((root / "tables").glob("*.md"))
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>fer-study: {html.escape(root.name)}"
        f"</title><style>{STYLE}</style></head><body>",
        f"<h1>fer-study results: {html.escape(root.name)}</h1>",
        f"<p class='stamp'>{_stamp(root)}</p>",
        "<h2>Claim by claim</h2>",
    ]
    if (root / "figures" / "07_claims.png").exists():
        parts.append(
            "<p><a href='../figures/07_claims.pdf'><img src='../figures/07_claims.png' "
            "alt='paper against ours, claim by claim' style='max-width:100%'></a></p>"
        )
    parts.append(_claims(root))
    parts.append("<h2>Notebooks (executed)</h2><ul>")
    parts += [f"<li><a href='{href}'>{html.escape(name)}</a></li>" for name, href in notebooks]
    parts.append("</ul><h2>Figures</h2><div class='figs'>")
    for png in figures:
        pdf = png.with_suffix(".pdf")
        link = f"../figures/{pdf.name}" if pdf.exists() else f"../figures/{png.name}"
        parts.append(
            f"<figure><a href='{link}'><img src='../figures/{png.name}' alt='{html.escape(png.stem)}'></a>"
            f"<figcaption>{html.escape(png.stem)}</figcaption></figure>"
        )
    parts.append("</div><h2>Tables</h2><ul>")
    for md in tables:
        others = [md.with_suffix(s) for s in (".csv", ".tex") if md.with_suffix(s).exists()]
        links = " · ".join(f"<a href='../tables/{p.name}'>{p.suffix[1:]}</a>" for p in [md, *others])
        parts.append(f"<li>{html.escape(md.stem)}: {links}</li>")
    parts.append("</ul></body></html>\n")
    index = site / "index.html"
    atomic.write_text(index, "\n".join(parts))
    return index


def links(index: Path) -> list[str]:
    """Every href and src of `index`, for checking that they resolve."""
    found: list[str] = []

    class _P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(v for k, v in attrs if k in ("href", "src") and v)

    _P().feed(Path(index).read_text())
    return found
