"""A static HTML report of one results folder, readable in any browser without Jupyter or a network.

`build(root)` writes `root/site/`, a folder that stands alone (zip it, copy it, open it offline):

* `index.html`: the answer first (a bottom-line paragraph: what reproduces and what does not, at
  which budget, with the verdict counts), the verdicts defined, the claim table with each row's
  reason, the positive control and the sensitivity of the verdicts, then every figure inline and
  every table rendered as HTML, and the executed notebooks;
* `notebooks/<name>.html`: each executed notebook (nbconvert), with a link back to the report and
  no script or style fetched from the network;
* `figures/` and `tables/`: copies of the results folder's, so every link stays inside `site/`.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from fer_study.core import atomic
from fer_study.core.papers import MINI_XCEPTION
from fer_study.reporting.claims import REGISTRY, REPRODUCED, VERDICTS
from fer_study.reporting.figures import CAPTIONS

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 76rem; margin: 2rem auto; padding: 0 1rem; color: #222;
line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
.bottom { font-size: 1.05rem; background: #f7f7f2; border-left: 4px solid #777; padding: 0.6rem 1rem; }
.counts span { display: inline-block; margin: 0.2rem 0.6rem 0.2rem 0; padding: 0.1rem 0.5rem; border-radius: 3px; }
table { border-collapse: collapse; font-size: 0.82rem; margin: 0.5rem 0; }
td, th { border: 1px solid #ccc; padding: 0.2rem 0.4rem; vertical-align: top; } th { background: #f4f4f4; }
.stamp { color: #555; font-size: 0.9rem; }
.figs { display: grid; grid-template-columns: repeat(auto-fill, minmax(24rem, 1fr)); gap: 1rem; }
.figs figure { margin: 0; } .figs img { width: 100%; border: 1px solid #eee; }
details { margin: 0.4rem 0; } summary { cursor: pointer; }
dl.verdicts dt { font-weight: 600; margin-top: 0.4rem; } dl.verdicts dd { margin-left: 1.2rem; }
.v-reproduced { background: #e3f4e3; } .v-not-reproduced { background: #fbe3e3; }
.v-inconclusive-at-this-budget { background: #fdf0dc; } .v-not-reproducible-as-specified { background: #ececf6; }
.v-not-measured { background: #eeeeee; }
nav.toc { background: #fafafa; border: 1px solid #e4e4e4; padding: 0.4rem 1rem; font-size: 0.92rem; }
nav.toc ol { margin: 0.2rem 0; padding-left: 1.2rem; columns: 2; }
td a.anchor { color: inherit; text-decoration: none; font-weight: 600; }
"""
# Wide tables in the notebook pages scroll sideways instead of running off the page's right edge.
NOTEBOOK_STYLE = (
    "<style>.jp-RenderedHTMLCommon table, .jp-OutputArea-output table "
    "{ display: block; max-width: 100%; overflow-x: auto; }</style>"
)

# The claims that carry each paper's headline, in the order the bottom line names them.
HEADLINES = {"A": ("A1", "A3"), "B": ("B1", "B2")}


def _css(verdict: str) -> str:
    return "v-" + re.sub(r"[^a-z]+", "-", str(verdict).lower()).strip("-")


def _record(root: Path) -> dict:
    """run.json, or the first summary where a notebook ran on its own."""
    if (root / "run.json").exists():
        return json.loads((root / "run.json").read_text())
    for p in sorted((root / "summaries").glob("*.json")):
        return json.loads(p.read_text())
    return {}


def _stamp(rec: dict) -> str:
    """Profile, data and commit of the run."""
    data = rec.get("data", {})
    git = (rec.get("provenance") or {}).get("git") or {}
    commit = (git.get("commit") or "unknown")[:10] + (" (with uncommitted changes)" if git.get("dirty") else "")
    return (
        f"profile <b>{html.escape(str(rec.get('profile', '?')))}</b> · data "
        f"<b>{html.escape(str(data.get('data_label', '?')))}</b> (sha256 {html.escape(str(data.get('sha256', '?'))[:12])}) "
        f"· commit {html.escape(commit)}"
        + (f" · command <code>{html.escape(rec['command'])}</code>" if rec.get("command") else "")
    )


def _claims_frame(root: Path) -> pd.DataFrame | None:
    path = root / "tables" / "07_claims.csv"
    return pd.read_csv(path).astype(object).fillna("") if path.exists() else None  # object: "" fills any column


def bottom_line(claims: pd.DataFrame | None, rec: dict) -> str:
    """The answer in a paragraph: per paper, what reproduces and what does not, the headline
    claims with their numbers, and the budget the verdicts rest on."""
    if claims is None:
        return "<p class='bottom'>No claim table yet: notebook 07 has not run for this folder.</p>"
    parts = []
    for paper in ("A", "B"):
        rows = claims[claims["id"].astype(str).str.startswith(paper)]  # ("paper" is the paper's value)
        if rows.empty:
            continue
        counts = rows["verdict"].value_counts()
        said = ", ".join(f"{n} {v}" for v, n in counts.items())
        heads = []
        for cid in HEADLINES[paper]:
            r = rows[rows["id"] == cid]
            if not r.empty:
                r = r.iloc[0]
                heads.append(
                    f"{cid} ({html.escape(str(r['claim']))}): paper {r['paper']}, ours {r['ours']}, <b>{r['verdict']}</b>"
                )
        parts.append(
            f"<b>Paper {paper}</b>: {len(rows)} claims, {html.escape(said)}. "
            + _reproduced(rows)
            + "; ".join(heads)
            + "."
        )
    settings = rec.get("settings") or {}
    reductions = settings.get("reductions") or {}
    budget = (
        f"These verdicts rest on the <b>{html.escape(str(rec.get('profile', '?')))}</b> profile's budget, which "
        f"reduces the papers' budgets in {len(reductions)} place{'s' if len(reductions) != 1 else ''} (listed below); "
        "an 'inconclusive' row names the run that would decide it."
        if reductions
        else "These verdicts rest on the papers' own budgets."
    )
    data = rec.get("data") or {}
    demo = (
        " <b>Demo data, not FER2013: nothing here describes the papers' models on FER2013.</b>"
        if data.get("is_demo")
        else ""
    )
    return "<div class='bottom'><p>" + "</p><p>".join(parts) + f"</p><p>{budget}{demo}</p></div>"


# Claims that are counts of the dataset (its images, splits and classes), not results of a model.
_DATASET_RULES = ("count", "rounded")


def _reproduced(rows: pd.DataFrame) -> str:
    """Which claims reproduced, the papers' findings apart from the dataset's counts (issue 35: "8
    reproduced" for paper A read as a success when five of them were counts of FER2013's images)."""
    rule = {c.id: c.rule for c in REGISTRY}
    ids = [str(i) for i in rows[rows["verdict"] == REPRODUCED]["id"]]
    if not ids:
        return "Nothing reproduced. "
    counts = [i for i in ids if rule.get(i) in _DATASET_RULES]
    findings = [i for i in ids if i not in counts]
    said = f"Reproduced: {', '.join(findings) or 'no finding'}"
    if counts:
        said += f" (findings), and {', '.join(counts)} (counts of the dataset)"
    return html.escape(said) + ". "


def _counts(claims: pd.DataFrame | None) -> str:
    if claims is None:
        return ""
    counts = claims["verdict"].value_counts()
    return (
        "<p class='counts'>"
        + "".join(f"<span class='{_css(v)}'>{n} × {html.escape(v)}</span>" for v, n in counts.items())
        + "</p>"
    )


def _definitions() -> str:
    return (
        "<dl class='verdicts'>"
        + "".join(f"<dt class='{_css(v)}'>{html.escape(v)}</dt><dd>{html.escape(d)}</dd>" for v, d in VERDICTS.items())
        + "</dl>"
    )


def _claims_table(claims: pd.DataFrame | None) -> str:
    if claims is None:
        return ""
    cols = [
        c
        for c in (
            "id",
            "claim",
            "paper",
            "ours",
            "95% interval",
            "interval kind",
            "verdict",
            "post hoc",
            "verdict under the earlier rule",
            "why / caveat",
            "post-hoc reading",
        )
        if c in claims.columns
    ]
    rows = []
    for _, r in claims[cols].iterrows():
        cells = [
            f"<td><a class='anchor' href='#{_anchor(str(r[c]))}'>{html.escape(str(r[c]))}</a></td>"
            if c == "id"
            else f"<td>{html.escape(str(r[c]))}</td>"
            for c in cols
        ]
        rows.append(
            f'<tr id="{_anchor(str(r["id"]))}" class="{_css(r.get("verdict", ""))}">' + "".join(cells) + "</tr>"
        )
    head = "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in cols) + "</tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _h2(anchor: str, title: str) -> str:
    return f"<h2 id='{anchor}'>{html.escape(title)}</h2>"


def _toc(parts: list[str]) -> str:
    """A table of contents of the page's sections (its h2 anchors), and of the claims by id."""
    sections = re.findall(r"<h2 id='([^']+)'>([^<]+)</h2>", "".join(p for p in parts if p != "@TOC@"))
    items = "".join(f"<li><a href='#{a}'>{t}</a></li>" for a, t in sections)
    claims = " ".join(f"<a href='#{_anchor(c.id)}'>{html.escape(c.id)}</a>" for c in REGISTRY)
    return f"<nav class='toc'><b>Contents</b><ol>{items}</ol><b>Claims:</b> {claims}</nav>"


def _anchor(claim_id: str) -> str:
    """The link target of a claim's row: 'claim-B3.1' (ids hold letters, digits and dots)."""
    return "claim-" + re.sub(r"[^A-Za-z0-9.]", "-", claim_id)


def _column_format(values: pd.Series):
    """One number format per column: plain decimals, or scientific for every value of a column that
    holds a value under 0.001 (a p-value column read 1e-08 beside 0.0001)."""
    finite = values.dropna().abs()
    if len(finite) and ((finite > 0) & (finite < 1e-3)).any():
        return lambda v: f"{v:.1e}"
    return lambda v: f"{v:.4g}"


def _readable(df: pd.DataFrame) -> pd.DataFrame:
    """A table as a reader sees it: yes/no for booleans, one number format per column."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        values = col.dropna()
        # Booleans only (read back with missing cells they are objects): 0 and 1 are numbers, not yes/no.
        if pd.api.types.is_bool_dtype(col) or (len(values) and all(isinstance(v, (bool, np.bool_)) for v in values)):
            out[c] = col.map({True: "yes", False: "no"})
        elif pd.api.types.is_float_dtype(col):
            fmt = _column_format(col)
            out[c] = col.map(lambda v: "–" if pd.isna(v) else fmt(v))
    return out


def _table_html(csv: Path) -> str:
    try:
        df = pd.read_csv(csv)
    except (OSError, ValueError, pd.errors.EmptyDataError):
        return f"<p>({html.escape(csv.name)} could not be read)</p>"
    return _readable(df).to_html(index=False, na_rep="–", escape=True, border=0)


def _reductions(rec: dict) -> str:
    red = (rec.get("settings") or {}).get("reductions") or {}
    if not red:
        return ""
    items = "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(str(v))}</li>" for k, v in red.items())
    return f"<details><summary>What the profile reduces against the papers ({len(red)})</summary><ul>{items}</ul></details>"


# Script and style references to the network: a notebook page must open offline.
_REMOTE = re.compile(
    r"<script[^>]*\bsrc=['\"]https?://[^>]*>\s*</script>"  # a script fetched from a CDN
    r"|<link[^>]*\bhref=['\"]https?://[^>]*>"  # a stylesheet or font from the network
    r"|<script[^>]*>(?:(?!</script>).)*?(?:\bfrom\s+|\bimport\(\s*)['\"]https?://(?:(?!</script>).)*?</script>",  # a module importing one
    re.I | re.S,
)


def _notebooks(root: Path, site: Path) -> list[tuple[str, str]]:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    out = []
    back = (
        "<p style='font-family:system-ui,sans-serif;margin:0.6rem 1rem'><a href='../index.html'>"
        "&larr; back to the report</a></p>"
    )
    for nb in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        body, _ = exporter.from_filename(str(nb))
        body = _REMOTE.sub("", body)
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + back, body, count=1)
        body = body.replace("</head>", NOTEBOOK_STYLE + "</head>", 1)
        target = site / "notebooks" / f"{nb.stem}.html"
        atomic.write_text(target, body)
        out.append((nb.stem, f"notebooks/{nb.stem}.html"))
    return out


def _copy(src: Path, dst: Path) -> list[Path]:
    """Copy a results subfolder into the site (so the site zips alone); returns the copies."""
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    copied = []
    for f in sorted(src.glob("*")) if src.is_dir() else []:
        if f.is_file() and not f.name.startswith("."):
            shutil.copy2(f, dst / f.name)
            copied.append(dst / f.name)
    return copied


def build(root: str | Path) -> Path:
    """Render `root` (a results folder) into `root/site/`; returns the index's path."""
    root = Path(root)
    if not (root / "summaries").is_dir() and not (root / "notebooks").is_dir():
        raise FileNotFoundError(f"{root}: no summaries/ or notebooks/ here; run the study into this folder first")
    site = root / "site"
    (site / "notebooks").mkdir(parents=True, exist_ok=True)
    figures = [p for p in _copy(root / "figures", site / "figures") if p.suffix == ".png"]
    tables = [p for p in _copy(root / "tables", site / "tables") if p.suffix == ".csv"]
    notebooks = _notebooks(root, site)
    rec = _record(root)
    claims = _claims_frame(root)
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>fer-study: {html.escape(root.name)}"
        f"</title><style>{STYLE}</style></head><body>",
        f"<h1>What reproduces? fer-study results: {html.escape(root.name)}</h1>",
        f"<p class='stamp'>{_stamp(rec)}</p>",
        bottom_line(claims, rec),
        _counts(claims),
        _reductions(rec),
        "@TOC@",
        _h2("verdicts", "The verdicts"),
        _definitions(),
        _h2("claims", "Claim by claim"),
    ]
    if (site / "figures" / "07_claims.png").exists():
        parts.append(
            "<p><a href='figures/07_claims.pdf'><img src='figures/07_claims.png' "
            "alt='paper against ours, claim by claim' style='max-width:100%'></a></p>"
        )
    parts.append(_claims_table(claims))
    parts += _key_tables({p.stem: p for p in tables})
    parts += _figures_html(figures)
    parts.append(_h2("tables", "Every table"))
    parts += [_table_details(csv) for csv in tables]
    parts.append(_h2("notebooks", "Notebooks (executed)") + "<ul>")
    parts += [f"<li><a href='{href}'>{html.escape(name)}</a></li>" for name, href in notebooks]
    parts.append("</ul></body></html>\n")
    parts[parts.index("@TOC@")] = _toc(parts)
    index = site / "index.html"
    atomic.write_text(index, "\n".join(parts))
    return index


def _key_tables(by_stem: dict[str, Path]) -> list[str]:
    """The control, the sensitivity of the verdicts and the forensic slips, each under its heading."""
    parts = []
    for stem, anchor, title in (
        (
            "06_control",
            "control",
            f"The positive control (Mini-Xception, published {100 * MINI_XCEPTION['accuracy']:.2f} %)",
        ),
        ("06_sensitivity_verdicts", "sensitivity", "Would another reading of the papers change a verdict?"),
        ("07_forensics", "forensics", "What each way of mis-measuring would have reported"),
    ):
        if stem in by_stem:
            parts += [_h2(anchor, title), _table_html(by_stem[stem])]
    return parts


def _figures_html(figures: list[Path]) -> list[str]:
    """Every figure inline, linking to its PDF, with its caption."""
    parts = [_h2("figures", "Figures") + "<div class='figs'>"]
    for png in figures:
        pdf = png.with_suffix(".pdf")
        link = f"figures/{pdf.name}" if pdf.exists() else f"figures/{png.name}"
        caption = CAPTIONS.get(png.stem, "")
        parts.append(
            f"<figure id='fig-{png.stem}'><a href='{link}'><img src='figures/{png.name}' "
            f"alt='{html.escape(caption or png.stem)}'></a>"
            f"<figcaption><b>{html.escape(png.stem)}</b>. {html.escape(caption)}</figcaption></figure>"
        )
    return parts + ["</div>"]


def _table_details(csv: Path) -> str:
    """A table folded under its name, with links to its CSV, Markdown and LaTeX."""
    others = [csv.with_suffix(s) for s in (".md", ".tex") if csv.with_suffix(s).exists()]
    links_ = " · ".join(f"<a href='tables/{p.name}'>{p.suffix[1:]}</a>" for p in [csv, *others])
    return f"<details><summary>{html.escape(csv.stem)} ({links_})</summary>{_table_html(csv)}</details>"


def links(index: Path) -> list[str]:
    """Every href and src of `index`, for checking that they resolve."""
    found: list[str] = []

    class _P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(v for k, v in attrs if k in ("href", "src") and v)

    _P().feed(Path(index).read_text())
    return found
