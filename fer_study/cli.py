"""The `fer-study` command line: data info/fetch, profiles, running the study, detection."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from fer_study.core import profiles, settings

# Each command imports what it uses inside its function: `fer-study --help`, `profiles` and
# `data info` answer in a second instead of loading TensorFlow first.


def _data_info(args: argparse.Namespace) -> int:
    from fer_study.data import load
    from fer_study.data.integrity import duplicates

    d = load(args.data, skip_bad=args.skip_bad, verbose=False)
    dup = duplicates(d.images, d.splits)
    info: dict[str, Any] = {
        "source": d.source,
        "format": d.format,
        "sha256": d.sha256,
        "is_demo": d.is_demo,
        "counts": d.counts(),
        "duplicates": {k: {kk: vv for kk, vv in v.items() if kk != "members"} for k, v in dup.items()},
        "count_differences": d.count_differences(),
        "skipped": [{"item": w, "problem": p} for w, p in d.skipped],
    }
    if args.json:
        print(json.dumps(info))
        return 0
    from fer_study.experiments.exploration import counts_frame

    print(f"source:  {d.source}{'  (DEMO DATA, NOT FER2013)' if d.is_demo else ''}")
    print(f"format:  {d.format}\nsha256:  {d.sha256}\nimages:  {len(d)}")
    print(counts_frame(d).to_string())
    diffs = info["count_differences"]
    print(
        f"counts: {'match the official FER2013 counts' if not diffs else f'{len(diffs)} cell(s) differ from the official FER2013 counts'}"
    )
    for x in diffs:
        print(f"  {x['split']}/{x['class']}: found {x['found']}, official {x['expected']} ({x['difference']:+d})")
    for kind, v in info["duplicates"].items():
        print(
            f"{kind} duplicates: {v['groups']} groups, {v['images']} images; across splits: {v['groups_across_splits']}"
        )
    if d.skipped:
        print(f"skipped {len(d.skipped)} bad item(s):")
        for w, p in d.skipped[:20]:
            print(f"  {w}: {p}")
    return 0


def _data_fetch(args: argparse.Namespace) -> int:
    from fer_study.data.fetch import fetch

    path = fetch(force=args.force)
    print(f"FER2013 is at {path}")
    return 0


def _runs(args: argparse.Namespace) -> int:
    """List a results folder's stored trainings; with --prune, delete those no summary uses."""
    from fer_study.core.lock import FolderLock
    from fer_study.core.paths import results_dir
    from fer_study.nn.store import RunStore, referenced_keys

    root = Path(args.out) if args.out else results_dir(args.profile)
    store = RunStore(root / "runs")
    if args.seal:
        with FolderLock(root):  # a run writing entries meanwhile would race the seal
            sealed = store.seal_all()
        print(
            f"sealed {len(sealed)} stored trainings in {store.root} (checksums added or renewed after checking the old "
            "ones; nothing trained, keys kept)"
        )
        return 0
    entries = sorted(store.entries(), key=lambda e: (e["purpose"], e["key"]))  # by notebook and purpose
    used = referenced_keys(root / "summaries")
    # The purpose last and whole: cut to a column, six grid rows read alike (issue 35).
    print(f"{'key':<24}  {'model':<14} {'epochs':>6} {'minutes':>8} {'MiB':>6}  {'health':<15} purpose")
    for e in entries:
        mark = "" if e["key"] in used else "  (not used by any summary)"
        health = "ok" if e["trained"] else "FAILED TO TRAIN"
        # Grid purposes hold their settings as a dict: shown as key=value words.
        purpose = re.sub(r"[{}']", "", e["purpose"]).replace(": ", "=")
        print(
            f"{e['key']:<24}  {e['arch']:<14} {e['epochs']:>6} {e['seconds'] / 60:8.1f} "
            f"{e['bytes'] / 2**20:6.2f}  {health:<15} {purpose}{mark}"
        )
    total = sum(e["seconds"] for e in entries)
    print(
        f"{len(entries)} stored trainings in {store.root}: {total / 3600:.2f} h of training, "
        f"{sum(e['bytes'] for e in entries) / 2**20:.1f} MiB; {sum(e['key'] in used for e in entries)} used by the summaries"
    )
    if args.prune:
        # Under the folder's lock (a run storing an entry meanwhile would lose it), and only when
        # every summary can be read (a damaged one would make its trainings look unused).
        with FolderLock(root):
            used = referenced_keys(root / "summaries", strict=True)
            if not used:
                print(
                    "fer-study: error: no summary names its runs here (run the study first); nothing pruned",
                    file=sys.stderr,
                )
                return 2
            gone = store.prune(used, dry_run=args.dry_run)
        purposes = {e["key"]: e["purpose"] for e in entries}
        for key in gone:
            print(f"  {'would delete' if args.dry_run else 'deleted'} {key} ({purposes.get(str(key), '?')})")
        print(f"{'would delete' if args.dry_run else 'deleted'} {len(gone)} entries no current summary uses")
    return 0


def _profiles(args: argparse.Namespace) -> int:
    st = profiles.resolve(args.profile, profiles.parse_assignments(args.set or []))
    print(json.dumps(st.to_json(), indent=2))
    return 0


def _run(args: argparse.Namespace) -> int:
    from fer_study.runner import run

    record = run(
        profile=args.profile,
        data=args.data,
        out=args.out,
        only=args.only,
        overrides=profiles.parse_assignments(args.set or []),
    )
    from fer_study.core.progress import span
    from fer_study.reporting import site

    index = site.build(record["out_path"])
    spent = record.get("training", {})
    trainings = sum(v["trainings"] for v in spent.get("per_notebook", {}).values())
    ran = min(record.get("trained_now", 0), trainings)
    # A re-render loads every training from the store: say what the numbers rest on, not only this pass.
    if trainings:
        rest = (
            f"{ran} trained now, {trainings - ran} loaded from the store; all {trainings} took "
            f"{span(spent['total_seconds'])} of training"
        )
    else:
        rest = "no training"
    data = record["data"]
    print(
        f"study finished in {span(record['wall_seconds'])} (profile {record['profile']}; data: "
        f"{'demo data, not FER2013' if data['is_demo'] else data['source']}; {rest}); browsable report: {index}"
    )
    print(f"results: {record['out_path']} (what ran: {Path(record['out_path']) / 'run.json'})")
    if (Path(record["out_path"]) / "summaries" / "07_comparison.json").exists():
        print(_article_line(Path(record["out_path"])))
    return 0


def _article_line(root: Path) -> str:
    """Write the article and compile it where pdflatex is installed: one line either way."""
    from fer_study.reporting import article

    try:
        tex = article.write(root)
        pdf = article.compile_pdf(root)
    except article.ArticleError as err:
        return f"article: {err}"
    problems = article.check(pdf, root / "article.log")
    return f"article: {pdf}" + (f" (check: {'; '.join(problems)})" if problems else f" (from {tex.name})")


def _article(args: argparse.Namespace) -> int:
    from fer_study.core.paths import results_dir
    from fer_study.reporting import article

    root = Path(args.out) if args.out else results_dir(args.profile)
    tex = article.write(root)
    pdf = article.compile_pdf(root)
    problems = article.check(pdf, root / "article.log")
    print(f"article: {pdf} (from {tex.name}; log {root / 'article.log'})")
    for problem in problems:
        print(f"fer-study: article check: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _report(args: argparse.Namespace) -> int:
    from fer_study.core.paths import results_dir
    from fer_study.reporting import site

    index = site.build(Path(args.out) if args.out else results_dir(args.profile))
    print(f"report: {index}")
    return 0


def _annotated_name(label: str, used: set[str]) -> str:
    """`<input name>_annotated.png`, made safe for a file name; a name already used in this run
    (a/face.png and b/face.png) gets _2, _3, ... so no input's picture overwrites another's."""
    name = re.sub(r"\.(png|jpe?g|bmp|gif|tiff?|webp)$", "", Path(label).name, flags=re.IGNORECASE)
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    stem, n = base, 1
    while stem in used:
        n += 1
        stem = f"{base}_{n}"
    used.add(stem)
    return f"{stem}_annotated.png"


NO_FACE = 3  # exit status when no input held a face: distinct from success (0) and errors (1, 2)


def _detect(args: argparse.Namespace) -> int:
    from fer_study.experiments import detection
    from fer_study.nn import saved_models

    model, meta = saved_models.load(args.model)
    classes = meta["classes"]
    if args.classes and [c.strip() for c in args.classes.split(",")] != classes:
        raise ValueError(
            f"model {meta['file']} predicts {','.join(classes)}, not the classes asked for ({args.classes})"
        )
    from fer_study.core import atomic

    out = Path(args.out)
    print(
        f"model: {meta['name']} ({meta['file']}; classes {', '.join(classes)})",
        file=sys.stderr if args.json else sys.stdout,
    )
    detector = detection.Detector(min_neighbours=args.min_neighbours)
    n_faces, records = 0, []
    # Nothing is written under --out until every input has been read: a refused input must not
    # cost the detections.jsonl of an earlier run. Annotated images wait in a private temporary
    # folder, one file per frame, so a long video is streamed rather than held (issue 36: 600
    # frames of 720p held 3 GB).
    with tempfile.TemporaryDirectory(prefix="fer-study-detect-") as staging:
        staged: list[tuple[Path, Path]] = []
        used: set[str] = set()
        for source in args.paths:
            for label, frame in detection.frames(source, every=args.every, limit=args.max_frames):
                res = detection.detect(frame, detector, model, classes, label)
                annotated = out / _annotated_name(label, used)
                tmp = Path(staging) / f"{len(staged)}.png"
                detection.annotate(frame, res).save(tmp, format="PNG")
                staged.append((annotated, tmp))
                for i, face in enumerate(res.faces):
                    records.append(
                        {
                            "source": label,
                            "face": i,
                            **face.as_json(),
                            "model": meta["name"],
                            "model_file": meta["file"],
                            "annotated": str(annotated),
                            "seconds": res.seconds,
                        }
                    )
                n_faces += len(res.faces)
                if not args.json:
                    found = ", ".join(f"{f.label} {f.probability:.2f}" for f in res.faces) or "no face found"
                    print(f"{label}: {found} -> {annotated}")
        for path, tmp in staged:  # atomically, each: a kill leaves whole images only
            atomic.write_bytes(path, tmp.read_bytes())
    atomic.write_text(out / "detections.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    if args.json:
        print(json.dumps(records))
    if n_faces == 0:
        print(f"fer-study: no face found in {', '.join(args.paths)}", file=sys.stderr)
        return NO_FACE
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fer-study", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="inspect or fetch FER2013").add_subparsers(dest="data_command", required=True)
    info = data.add_parser("info", help="source, format, sha256, counts and duplicates")
    info.add_argument("--data", help="FER2013 zip, folder or CSV (default: $FER2013_PATH, data/fer2013, demo)")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.add_argument("--skip-bad", action="store_true", help="skip bad images/rows and report them")
    info.set_defaults(func=_data_info)
    fetch = data.add_parser("fetch", help="download msambare/fer2013 with kagglehub into data/fer2013")
    fetch.add_argument("--force", action="store_true", help="download again even if present")
    fetch.set_defaults(func=_data_fetch)

    prof = sub.add_parser("profiles", help="print a profile's settings")
    prof.add_argument("--profile", default="smoke", choices=profiles.names())
    prof.add_argument("--set", action="append", metavar="KEY=VALUE", help="a setting to show changed (as `run --set`)")
    prof.set_defaults(func=_profiles)

    runs = sub.add_parser("runs", help="list the stored trainings of a results folder, or prune unused ones")
    runs.add_argument("--profile", default="cpu", choices=profiles.names(), help="default: cpu")
    runs.add_argument("--out", help="a results folder (default results/<profile>/)")
    runs.add_argument("--prune", action="store_true", help="delete stored runs that no summary of the folder uses")
    runs.add_argument("--dry-run", action="store_true", help="with --prune: say what would go, delete nothing")
    runs.add_argument(
        "--seal",
        action="store_true",
        help="add checksums to entries written before they existed (trains nothing, keeps every key)",
    )
    runs.set_defaults(func=_runs)

    run = sub.add_parser("run", help="execute the notebooks with papermill into results/<profile>/")
    run.add_argument("--profile", choices=profiles.names(), help="default: smoke on demo data, cpu on FER2013")
    run.add_argument("--data", help="FER2013 zip, folder or CSV, or 'demo'")
    run.add_argument("--out", help="output folder (default results/<profile>)")
    run.add_argument("--only", nargs="+", metavar="NN", help="run only these notebook numbers")
    run.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a profile setting (value as JSON where it parses; `fer-study profiles --profile P` shows "
        "each value and its range); the keys: " + ", ".join(sorted(settings.fields())),
    )
    run.set_defaults(func=_run)

    rep = sub.add_parser("report", help="render a results folder into a static HTML site (results/<profile>/site/)")
    rep.add_argument("--profile", default="cpu", choices=profiles.names(), help="default: cpu")
    rep.add_argument("--out", help="a results folder (default results/<profile>/)")
    art = sub.add_parser(
        "article",
        help="write the replication article (article.tex) from a results folder and compile it with pdflatex",
    )
    art.add_argument("--profile", default="cpu", choices=profiles.names(), help="default: cpu")
    art.add_argument("--out", help="a results folder (default results/<profile>/)")
    art.set_defaults(func=_article)
    rep.set_defaults(func=_report)

    det = sub.add_parser(
        "detect",
        help="find faces in photos, videos or a camera and classify their expression",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    det.add_argument("paths", nargs="+", metavar="PATH", help="image or video files, or a camera index (0, 1, ...)")
    det.add_argument(
        "--model",
        default="improved-cnn",
        help="a saved model's name (improved-cnn, basic-cnn, ga-best, ...), its models/<name>.json or a .keras file",
    )
    det.add_argument("--out", default="detections", help="folder for annotated images and detections.jsonl")
    det.add_argument("--json", action="store_true", help="print every face record as JSON")
    det.add_argument("--every", type=_positive, default=10, help="every N-th frame of a video or camera")
    det.add_argument("--max-frames", type=int, default=None, help="stop after this many frames per video/camera")
    det.add_argument("--classes", help="comma-separated classes the model must predict (checked)")
    det.add_argument("--min-neighbours", type=int, default=10, help="detector strictness (higher: fewer false faces)")
    det.set_defaults(func=_detect)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from fer_study.core.atomic import OutputError
    from fer_study.core.lock import FolderLocked
    from fer_study.core.quiet import BackendMissing
    from fer_study.data import DataError
    from fer_study.data.fetch import FetchError
    from fer_study.nn.saved_models import ModelNotFound
    from fer_study.runner import NotebookFailed

    try:
        return args.func(args)
    except KeyboardInterrupt:
        # Ctrl-C: one line, not the 48 of a traceback through papermill and the kernel.
        print(
            "fer-study: interrupted; finished trainings and checkpoints are kept: the same command resumes",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:
        # `fer-study profiles | head`: the reader left; say nothing more, like any Unix tool.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (
        DataError,
        FetchError,
        NotebookFailed,
        profiles.ProfileError,
        ValueError,
        ModelNotFound,
        OutputError,
        FolderLocked,
        FileNotFoundError,
        BackendMissing,
    ) as err:
        # One line naming the file and the problem; no chained tracebacks.
        print(f"fer-study: error: {err}", file=sys.stderr)
        return 2 if not isinstance(err, NotebookFailed) else 1
    except OSError as err:
        # Any other file-system refusal (a read-only results folder under `runs --prune`, `report`):
        # still one line naming the path.
        where = f"{err.filename}: " if err.filename else ""
        print(f"fer-study: error: {where}{err.strerror or err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
