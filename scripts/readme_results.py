"""Write README.md's results section from a finished run (default results/cpu): the claim table and
key figures of notebook 07 and the run record, so no number in the README is typed by hand.

    .venv/bin/python scripts/readme_results.py [results/cpu]
"""

import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- results:start (written by scripts/readme_results.py) -->", "<!-- results:end -->"


def training_time(run_dir: Path) -> str:
    """What the trainings this run uses took when they ran, per notebook (run.json's `training`, or
    the store itself for an older run.json), since the wall time above is that of the last pass."""
    from fer_study.core.progress import span
    from fer_study.nn.store import training_time as from_store

    run = json.loads((run_dir / "run.json").read_text())
    spent = run.get("training") if "per_notebook" in run.get("training", {}) else from_store(run_dir)
    per = spent["per_notebook"]
    if not per:
        return "Training time: no stored trainings referenced by the summaries."
    parts = ", ".join(f"{nb} {span(v['seconds'])} ({v['trainings']} trainings)" for nb, v in per.items())
    return (
        f"Training time, from the run store (each training as it ran, possibly across sessions): "
        f"**{span(spent['total_seconds'])}** ({parts}). The wall time above is the last pass, which loaded "
        "every stored training."
    )


def controls_section(run_dir: Path, st) -> list[str]:
    """Notebook 06's positive control and sensitivity tables, with what they say, when it ran."""
    from fer_study.core import schema
    from fer_study.reporting import comparison, controls, report

    path = run_dir / "summaries" / "06_controls.json"
    if not path.exists():
        return ["The controls (notebook 06) have not run in this folder.", ""]
    facts = schema.typed("06_controls", schema.load(path)["facts"], path)
    lines = ["### The positive control and the sensitivity to the papers' gaps (notebook 06)", ""]
    if facts.control is not None:
        lines += [
            report.markdown(controls.control_table(facts.control).round(2)),
            "",
            controls.control_text(facts.control, st),
            "",
        ]
    readings = comparison.sensitivity_verdicts(facts.sensitivity)
    if readings is not None:
        lines += [report.markdown(readings.round(4)), ""]
    lines += [comparison.sensitivity_verdict_text(readings, st), ""]
    return lines


def section(run_dir: Path) -> str:
    from fer_study.core import settings
    from fer_study.reporting import comparison, report

    # Every summary is checked against its declared layout first: a missing or renamed field stops
    # here, naming the file, instead of leaving a stale number in the README.
    comparison.load_summaries(run_dir)
    run = json.loads((run_dir / "run.json").read_text())
    rel = run_dir.relative_to(ROOT)
    claims = pd.read_csv(run_dir / "tables" / "07_claims.csv").fillna("")
    cols = ["id", "claim", "paper", "ours", "95% interval", "interval kind", "difference", "verdict", "post hoc"]
    cols = [c for c in cols if c in claims.columns]
    book = sorted(set(claims["rule book"])) if "rule book" in claims.columns else []
    verdicts = claims["verdict"].value_counts().to_dict()
    git = run["provenance"]["git"]
    m = run["provenance"]["machine"]
    times = ", ".join(f"{n['notebook'][:2]} {n['seconds'] / 60:.1f} min" for n in run["notebooks"])
    training = training_time(run_dir)
    lines = [
        START,
        "",
        f"From `{rel}/` — profile **{run['profile']}** ({run['settings']['description'].rstrip('.')}), data "
        f"**{run['data']['data_label']}** (`{Path(run['data']['source']).name}`, sha256 `{run['data']['sha256'][:16]}…`), "
        f"commit `{(git['commit'] or '')[:10]}`{' (dirty tree)' if git['dirty'] else ''}, "
        f"{m['cpus']} CPU cores ({m['processor']}, {m['platform']}), wall time **{run['wall_seconds'] / 60:.0f} min** "
        f"({times}). Command:",
        "",
        "```bash",
        "FER2013_PATH=/path/to/fer2013.zip python3 tasks.py study --profile "
        + run["profile"]
        + "".join(
            f" --set {k}={json.dumps(v, separators=(',', ':'))}" for k, v in sorted(run.get("overrides", {}).items())
        ),
        "```",
        "",
        training,
        "",
        f"The `{run['profile']}` profile reduces the papers' budgets (every reduction is listed in "
        f"`{rel}/run.json` under `settings.reductions`), so a verdict here is a verdict on that budget.",
        "",
        "Verdicts: "
        + ", ".join(f"{v} **{k}**" for k, v in verdicts.items())
        + "."
        + (
            f" Rule book `{', '.join(book)}` (`fer_study/core/rulebook.py`; its changes: `fer_study/core/ledger.py`)."
            if book
            else ""
        ),
        "",
        report.markdown(claims[cols]),
        "",
        f"Reasons and caveats per claim: [`{rel}/tables/07_claims.md`]({rel}/tables/07_claims.md); the papers' "
        f"inconsistencies with their arithmetic: [`{rel}/tables/07_inconsistencies.md`]({rel}/tables/07_inconsistencies.md).",
        "",
        f"![claims]({rel}/figures/07_claims.png)",
        "",
        *controls_section(run_dir, settings.from_json(run["settings"])),
        f"![GA progress]({rel}/figures/05_fitness_per_generation.png)",
        "",
        f"![paper A training curves]({rel}/figures/03_curves.png)",
        "",
        END,
    ]
    return "\n".join(lines)


def main(argv):
    run_dir = (ROOT / (argv[0] if argv else "results/cpu")).resolve()
    readme = ROOT / "README.md"
    text = readme.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"{readme}: no results markers ({START} ... {END})")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(head + section(run_dir) + tail)
    print(f"README.md results section written from {run_dir}")


if __name__ == "__main__":
    main(sys.argv[1:])
