"""The replication article: a LaTeX report in the form ReScience C publishes ("[Re]" or "[¬Re]" per
paper, abstract with the bottom line, methods, results, discussion, reproducibility), written from a
results folder's summaries, tables, figures and run record, and compiled with pdflatex.

`write(root)` writes `root/article.tex`, whose every number is rendered here from the records (the
claims table and the other tables are the notebook 07 files it `\\input`s; the figures are the
notebooks' PDFs). `compile_pdf(root)` runs pdflatex twice in a temporary folder and moves
`article.pdf` into place; `check(pdf, log)` lists what a reviewer's checker would reject (an
undefined reference, an overfull box, a Type 3 font). The .tex holds no date, path or commit: it
re-renders byte for byte from the same results (the commit is in run.json)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from fer_study.core import atomic, rulebook, schema
from fer_study.core.papers import READINGS, STATED
from fer_study.reporting import comparison
from fer_study.reporting import figures as figs
from fer_study.reporting import latex as tex
from fer_study.reporting.claims import REPRODUCED, VERDICTS

PAPERS = {
    "A": (
        "Fatimatuzzahra, Lindawati and Soim (2024)",
        "Development of Convolutional Neural Network Models to Improve Facial Expression Recognition Accuracy",
    ),
    "B": (
        "Sam'an, Safuan and Munsarif (2023)",
        "Convolutional neural network hyperparameters for face emotion recognition using genetic algorithm",
    ),
}
# The claim whose verdict decides a paper's [Re] / [¬Re]: its headline accuracy.
HEADLINE = {"A": "A1", "B": "B1"}
# What each figure shows (the caption's first sentence): reporting.figures.CAPTIONS; the article
# draws these, in this order, where they exist.
FIGURES = {name: figs.CAPTIONS[name] for name in figs.ARTICLE_FIGURES}
TABLES = {
    "07_claims": "Every claim of both papers: the paper's value, ours with its 95 % interval, the verdict.",
    "07_table4": "Paper B's Table 4 with our rows.",
    "07_inconsistencies": "Inconsistencies the papers' own numbers show, with their arithmetic.",
    "07_compute": "Compute: what the trainings of this study took, beside paper B's reported times.",
    "07_sensitivity": "Sensitivity: each reading of what a paper leaves out, trained once (test top-1 in %).",
    "07_forensics": "Forensics: what each way of mis-measuring would report from our runs, against the paper "
    "figure it could explain (in %; 'can produce it': within 2 points).",
}
PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[margin=2.2cm]{geometry}
\usepackage{graphicx,booktabs,longtable,array}
\usepackage[font=small,labelfont=bf]{caption}
\usepackage[hidelinks]{hyperref}
\setlength{\emergencystretch}{3em}
"""


class ArticleError(ValueError):
    """The article cannot be written or compiled; the message names the file and the problem."""


def _t(text: str) -> str:
    """Text from the records as LaTeX: escaped, with Markdown's **bold** kept as bold."""
    parts = str(text).split("**")
    return "".join(tex.escape(p) if i % 2 == 0 else r"\textbf{" + tex.escape(p) + "}" for i, p in enumerate(parts))


def _pct(x: float) -> str:
    return f"{100 * x:.2f}\\,\\%"


def _counts(rows: list[schema.ClaimRow], paper: str) -> Counter:
    return Counter(r.verdict for r in rows if r.paper == paper)


def _said(counts: Counter) -> str:
    return ", ".join(f"{n} {tex.escape(v)}" for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _headline(row: schema.ClaimRow) -> str:
    ours = _pct(row.ours) if isinstance(row.ours, float) else tex.escape(str(row.ours))
    paper = _pct(row.paper_value) if isinstance(row.paper_value, float) else tex.escape(str(row.paper_value))
    interval = (
        f" (95\\,\\% interval {_pct(row.interval[0])}--{_pct(row.interval[1])}, {tex.escape(row.interval_kind)})"
        if row.interval
        else ""
    )
    return f"{tex.escape(row.claim)}: the paper {paper}, ours {ours}{interval}, \\emph{{{tex.escape(row.verdict)}}}"


def _mark(rows: list[schema.ClaimRow], paper: str) -> str:
    head = next((r for r in rows if r.id == HEADLINE[paper]), None)
    return "[Re]" if head is not None and head.verdict == REPRODUCED else r"[$\neg$Re]"


def _figure(root: Path, name: str) -> str:
    if not (root / "figures" / f"{name}.pdf").exists():
        return ""
    return (
        "\\begin{figure}[htbp]\\centering\n"
        f"\\includegraphics[width=\\linewidth,height=0.42\\textheight,keepaspectratio]{{figures/{name}.pdf}}\n"
        f"\\caption{{{tex.escape(FIGURES[name])}}}\\label{{fig:{name}}}\n\\end{{figure}}\n"
    )


def _table(root: Path, name: str) -> str:
    """Notebook 07's table `name`, its caption and label set as the longtable's own first row, so the
    caption starts on the page where the table does (a caption set before it stayed behind when the
    figures before the table filled the page)."""
    path = root / "tables" / f"{name}.tex"
    if not path.exists():
        return ""
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("\\begin{longtable}"))
    header = next(line for line in lines[at + 1 :] if line.rstrip().endswith("\\\\"))
    columns = header.count(" & ") + 1
    # longtable's own \caption overflowed these tables' computed column widths: a plain first row.
    caption = (
        f"\\multicolumn{{{columns}}}{{@{{}}l@{{}}}}{{\\parbox{{\\linewidth}}{{"
        f"\\small\\textbf{{Table~\\thetable:}} {tex.escape(TABLES[name])}}}}}\\\\[4pt]"
    )
    # The label takes the number here; longtable steps the counter again itself, so it is set back.
    label = f"\\par\\refstepcounter{{table}}\\label{{tab:{name}}}\\addtocounter{{table}}{{-1}}%"
    return "\n".join([label, *lines[: at + 1], caption, *lines[at + 1 :]]) + "\n"


def _store(root: Path) -> tuple[int, float]:
    """Stored trainings and the bytes they hold."""
    runs = [p for p in (root / "runs").glob("*") if p.is_dir() and not p.name.startswith(".")]
    size = sum(f.stat().st_size for p in runs for f in p.rglob("*") if f.is_file())
    return len(runs), size


def _readings(st) -> str:
    """Every reading the study chose where a paper is silent or ambiguous (core.papers.READINGS),
    with the values of this profile's settings that hold it."""
    flat = st.flat()
    items = []
    for r in READINGS:
        values = ", ".join(f"\\texttt{{{tex.escape(k)}}} = {tex.escape(str(flat[k]))}" for k in r.keys)
        items.append(
            f"\\item[Paper {r.paper}] {tex.escape(r.paper_says)}. \\emph{{Read as}} {tex.escape(r.chosen)} "
            f"({values}): {tex.escape(r.why)}.\n"
        )
    # \\sloppy: setting names and values in typewriter type cannot hyphenate; the lines stretch instead.
    return (
        "{\\sloppy\\paragraph{Readings.} Where a paper is silent or ambiguous, the study chose a reading and says "
        "why (\\texttt{READINGS} in \\texttt{core/papers.py}); the values are this profile's.\n"
        "\\begin{description}\n" + "".join(items) + "\\end{description}\\par}\n"
    )


def _sensitivity(root: Path, s: comparison.Summaries) -> list[str]:
    """Would another reading of what the papers leave out change a verdict (notebook 06's readings)?"""
    readings = comparison.readings(s)
    if not readings:
        return []
    verdicts = comparison.sensitivity_verdicts(readings)
    st = s.settings.get("06_controls")
    lines = comparison.sensitivity_verdict_text(verdicts, st).splitlines()
    text = "\n".join(line[2:] if line.startswith("* ") else line for line in lines)  # Markdown bullets off
    lead = (
        "Table~\\ref{tab:07_sensitivity} lists the readings. "
        if (root / "tables" / "07_sensitivity.tex").exists()
        else ""
    )
    return [
        "\\subsection{Sensitivity to the readings the study chose}\n",
        lead + _t(text).replace("\n", "\n\n") + "\n",
        _table(root, "07_sensitivity"),
    ]


def _forensics(root: Path, s: comparison.Summaries) -> list[str]:
    """What each protocol slip would have reported (notebooks 03 and 05)."""
    forensic = comparison.forensic_table(s)
    if forensic is None:
        return []
    lead = "Table~\\ref{tab:07_forensics} has each of them. " if (root / "tables" / "07_forensics.tex").exists() else ""
    return [
        "\\subsection{Forensics: how a paper's figure could have been measured}\n",
        lead + _t(comparison.forensic_text(forensic)) + "\n",
        _table(root, "07_forensics"),
    ]


def body(root: Path) -> str:
    """The article's LaTeX source for the results folder `root`."""
    try:
        s = comparison.load_summaries(root)
    except comparison.SummaryError as err:
        raise ArticleError(f"{root}: {err}") from None
    rec = json.loads((root / "run.json").read_text()) if (root / "run.json").exists() else {}
    rows = comparison.claim_rows(s)
    title = f"{_mark(rows, 'A')} {tex.escape(PAPERS['A'][1])} and {_mark(rows, 'B')} {tex.escape(PAPERS['B'][1])}"
    out = [PREAMBLE, f"\\title{{{title}}}\n"]
    out += _abstract(s, rows)
    out += _introduction_and_methods(root, s)
    out += _results(root, s)
    out += _discussion(root, rows)
    out += _reproducibility(root, rec)
    return "".join(out)


def _abstract(s: comparison.Summaries, rows: list[schema.ClaimRow]) -> list[str]:
    by_id = {r.id: r for r in rows}
    data = s.data
    demo = " (demo data, not FER2013: nothing here describes the papers' models)" if data.get("is_demo") else ""
    counts = {p: _counts(rows, p) for p in ("A", "B")}
    post_hoc = [r for r in rows if r.post_hoc]
    out = [
        "\\author{fer-study contributors}\n\\date{}\n\\begin{document}\n\\maketitle\n",
        "\\begin{abstract}\n",
        f"We re-implemented two papers on facial-expression recognition on FER2013 from their text and ran them on "
        f"{tex.escape(data.get('data_label', '?'))}{tex.escape(demo)} under the \\texttt{{{tex.escape(s.profile)}}} profile. ",
    ]
    for paper in ("A", "B"):
        head = by_id.get(HEADLINE[paper])
        out.append(
            f"Paper {paper} ({tex.escape(PAPERS[paper][0])}): {sum(counts[paper].values())} claims, {_said(counts[paper])}; "
            + (f"its headline, {_headline(head)}. " if head else "")
        )
    out.append(
        f"Verdicts follow a rule book fixed before the results it judges (hash {rulebook.digest()}); "
        f"{len(post_hoc)} row(s) whose rule changed after their results existed are marked post hoc, with the "
        "earlier rule's verdict beside them.\n\\end{abstract}\n"
    )
    return out


def _introduction_and_methods(root: Path, s: comparison.Summaries) -> list[str]:
    data = s.data
    reductions = dict(s.settings["05_ga_search"].reductions)
    return [
        "\\section{Introduction}\n",
        "Paper A \\cite{paperA} trains a basic and an improved CNN on four FER2013 classes after downsampling and "
        f"reports {_pct(STATED['A1'].value)} ``accuracy'' from a 200-image confusion matrix; paper B \\cite{{paperB}} "
        "searches a six-conv CNN's hyperparameters with a DEAP genetic algorithm and reports "
        f"{_pct(STATED['B1'].value)} on seven classes. This report states, claim by claim, what reproduces, with the "
        "uncertainty of every number.\n",
        "\\section{Methods}\n",
        f"\\paragraph{{Data.}} {tex.escape(data.get('data_label', '?'))}, "
        f"{int(data.get('images', 0)):,} images, sha256 \\texttt{{{tex.escape(str(data.get('sha256', ''))[:16])}}}\\ldots; "
        "counts are checked against the official ones"
        + (" (Fig.~\\ref{fig:01_counts})" if (root / "figures" / "01_counts.pdf").exists() else "")
        + ".\n",
        "\\paragraph{Verdicts.} Each claim gets one of five verdicts, decided by the rule book "
        "(\\texttt{fer\\_study/core/rulebook.py}); changes to it are in a ledger (\\texttt{fer\\_study/core/ledger.py}).\n"
        "\\begin{description}\n"
        + "".join(f"\\item[{tex.escape(v)}] {tex.escape(d)}.\n" for v, d in VERDICTS.items())
        + "\\end{description}\n",
        _readings(s.settings["05_ga_search"]),
        "\\paragraph{Budget.} "
        + (
            f"The \\texttt{{{tex.escape(s.profile)}}} profile reduces the papers' budgets in {len(reductions)} "
            "place(s): "
            + "; ".join(f"\\texttt{{{tex.escape(k)}}}: {tex.escape(v)}" for k, v in sorted(reductions.items()))
            + ". An inconclusive row names the run that would decide it.\n"
            if reductions
            else "The verdicts rest on the papers' own budgets.\n"
        ),
    ]


def _results(root: Path, s: comparison.Summaries) -> list[str]:
    st = s.settings["05_ga_search"]
    out = [
        "\\section{Results}\n",
        "Table~\\ref{tab:07_claims} lists every claim"
        + ("; Fig.~\\ref{fig:07_claims} draws the accuracies" if (root / "figures" / "07_claims.pdf").exists() else "")
        + ".\n"
        if (root / "tables" / "07_claims.tex").exists()
        else "",
        _table(root, "07_claims"),
        _figure(root, "07_claims"),
    ]
    for name in ("01_counts", "02_downsampling", "03_curves", "03_confusion", "04_grid_heatmap", "04_best_curves"):
        out.append(_figure(root, name))
    out += [
        "\\subsection{The positive control}\n",
        _t(comparison.controls_text(s, s.settings.get("06_controls", st))) + "\n",
        _figure(root, "06_control_curves"),
        "\\subsection{Paper B's search}\n",
        _figure(root, "05_fitness_per_generation"),
        _table(root, "07_table4"),
        *_sensitivity(root, s),
        *_forensics(root, s),
    ]
    return out


def _discussion(root: Path, rows: list[schema.ClaimRow]) -> list[str]:
    """What could not be decided at this budget, each with its row's reason (what would decide it and
    what it costs), then the papers' inconsistencies."""
    undecided = [r for r in rows if r.verdict == "inconclusive at this budget"]
    items = "".join(f"\\item[{tex.escape(r.id)}] {tex.escape(r.claim)}: {_t(r.why)}.\n" for r in undecided)
    return [
        "\\section{Discussion}\n",
        f"{len(undecided)} claim(s) could not be decided at this budget"
        + (
            "; each says what would decide it and what that costs on this machine:\n\\begin{description}\n"
            + items
            + "\\end{description}\n"
            if undecided
            else ".\n"
        ),
        "The papers' own numbers show the inconsistencies of Table~\\ref{tab:07_inconsistencies}.\n"
        if (root / "tables" / "07_inconsistencies.tex").exists()
        else "",
        _table(root, "07_inconsistencies"),
    ]


def _reproducibility(root: Path, rec: dict) -> list[str]:
    n_runs, size = _store(root)
    hours = (rec.get("training") or {}).get("total_seconds", 0) / 3600
    packages = (rec.get("provenance") or {}).get("packages") or {}
    return [
        "\\section{Reproducibility}\n",
        "Two commands re-run the study on a fresh machine: \\texttt{python3 tasks.py study} (set-up and the study) and "
        "\\texttt{python3 tasks.py test}; \\texttt{fer-study article} writes this report. "
        f"The run store holds {n_runs} trainings ({size / 2**20:,.0f} MiB, {hours:,.1f} h of training when they ran); "
        "a re-render loads them instead of training. Packages: "
        + ", ".join(f"{tex.escape(k)} {tex.escape(v)}" for k, v in sorted(packages.items()))
        + ". The commit and the command are in \\texttt{run.json}.\n",
        _table(root, "07_compute"),
        "\\begin{thebibliography}{9}\n",
        f"\\bibitem{{paperA}} {tex.escape(PAPERS['A'][0])}. \\emph{{{tex.escape(PAPERS['A'][1])}}}.\n",
        f"\\bibitem{{paperB}} {tex.escape(PAPERS['B'][0])}. \\emph{{{tex.escape(PAPERS['B'][1])}}}.\n",
        "\\end{thebibliography}\n\\end{document}\n",
    ]


def write(root: str | Path) -> Path:
    """Write `root/article.tex` (atomically) and return its path."""
    root = Path(root)
    return atomic.write_text(root / "article.tex", body(root))


def compile_pdf(root: str | Path) -> Path:
    """pdflatex `root/article.tex` twice (references) in a temporary folder; `root/article.pdf`
    replaced atomically. ArticleError naming the log's first error when it fails."""
    root = Path(root)
    if shutil.which("pdflatex") is None:
        raise ArticleError(
            "pdflatex is not installed: install TeX Live (Debian/Ubuntu: apt-get install texlive-latex-base "
            "texlive-latex-recommended) and run `fer-study article` again; article.tex is written"
        )
    with tempfile.TemporaryDirectory(prefix="fer-study-article-") as tmp:
        for _ in range(2):
            done = subprocess.run(
                ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"-output-directory={tmp}", "article.tex"],
                cwd=root,
                capture_output=True,
                text=True,
                errors="replace",
            )
            if done.returncode:
                first = next((line for line in done.stdout.splitlines() if line.startswith("!")), "see its log")
                raise ArticleError(f"{root / 'article.tex'}: pdflatex failed: {first}")
        log = Path(tmp, "article.log").read_text(errors="replace")
        atomic.write_text(root / "article.log", log)
        atomic.write_bytes(root / "article.pdf", Path(tmp, "article.pdf").read_bytes())
    return root / "article.pdf"


def check(pdf: Path, log: Path) -> list[str]:
    """What a publisher's checker would reject: undefined references or citations, overfull boxes,
    Type 3 fonts (pdffonts); empty when the article passes."""
    problems = []
    text = log.read_text(errors="replace")
    if re.search(r"undefined references|Reference .* undefined|Citation .* undefined", text):
        problems.append("undefined references")
    overfull = re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", text)
    if any(float(x) > 1.0 for x in overfull):
        problems.append(f"{sum(float(x) > 1.0 for x in overfull)} overfull box(es)")
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        if re.search(r"\bType 3\b", fonts):
            problems.append("Type 3 fonts")
    if shutil.which("pdftotext"):
        words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        if "??" in words:
            problems.append("'??' in the text")
    return problems
