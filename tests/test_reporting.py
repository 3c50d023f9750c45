"""Notebook 07's tables from real (smoke, demo-data) summaries: every claim resolves, every table
compiles as LaTeX and fits the page, and a summary missing a field fails loudly.

The fixture is a smoke run's summaries on the demo data (no FER2013). Regenerate it after a change
to the summaries' layout (core.schema.VERSION):

    fer-study run --profile smoke --data demo --out /tmp/smoke && cp /tmp/smoke/summaries/*.json tests/fixtures/smoke_summaries/
"""

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from fer_study.core import profiles, schema
from fer_study.reporting import claims, comparison, latex

FIXTURE = Path(__file__).parent / "fixtures" / "smoke_summaries"


@pytest.fixture()
def summaries():
    found = {}
    for p in sorted(FIXTURE.glob("*.json")):
        found[p.stem] = json.loads(p.read_text())
    stale = [n for n, b in found.items() if b.get("schema_version") != schema.VERSION]
    assert not stale, f"regenerate tests/fixtures/smoke_summaries (schema {schema.VERSION}): {stale}"
    return found


def test_every_claim_resolves_with_one_of_the_five_verdicts(summaries):
    rows = comparison.claim_rows(comparison.from_bodies(summaries))
    assert len(rows) == len(claims.REGISTRY)
    for row in rows:
        assert row.verdict in claims.VERDICTS, row
        if row.interval is not None:
            assert row.interval_kind, row  # every interval is named


def test_table4_prints_each_mean_inside_its_own_interval(summaries):
    t4 = comparison.table4(comparison.from_bodies(summaries))
    ours = t4[t4["ref"] == "this study"]
    assert len(ours) >= 4
    for _, r in ours.iterrows():
        lo, hi = (float(x) for x in re.search(r"([\d.]+)–([\d.]+)$", r["source"]).groups())
        assert lo - 0.05 <= r["test accuracy %"] <= hi + 0.05, r.to_dict()


def test_a_summary_missing_a_field_fails_naming_field_and_file(summaries):
    del summaries["03_basic_vs_improved"]["facts"]["paper_a_split"]["headline"]["improved"]["top1"]
    with pytest.raises(
        schema.SchemaError,
        match=r"summaries/03_basic_vs_improved.json: facts.paper_a_split.headline.improved: no field 'top1'",
    ):
        comparison.claim_table(comparison.from_bodies(summaries))


@pytest.mark.skipif(
    shutil.which("pdflatex") is None, reason="pdflatex not installed (Debian: texlive-latex-recommended)"
)
def test_every_latex_table_of_notebook_07_compiles_and_fits(summaries, tmp_path, pdflatex):
    summaries = comparison.from_bodies(summaries)
    tables = {
        "claims": comparison.claims_for_print(comparison.claim_table(summaries)),
        "table4": comparison.table4(summaries),
        "audit": comparison.audit_table(summaries).round(2),
        "compute": comparison.compute_table(summaries),
        "inconsistencies": comparison.inconsistencies(summaries),
    }
    sens = comparison.sensitivity_table(comparison.readings(summaries))
    if sens is not None:
        tables["sensitivity"] = sens[
            ["paper", "reading", "test top-1 %", "final val accuracy %", "most dead ReLU layer %", "trained"]
        ]
    for name, df in tables.items():
        overfull = pdflatex(tmp_path, latex.table(df, stamp="fixture"))
        assert not [x for x in overfull if x > 1.0], (name, overfull)


def test_summaries_are_checked_against_their_declared_layout(tmp_path):
    import shutil as sh

    from fer_study.core import schema
    from fer_study.reporting import report

    folder = tmp_path / "summaries"
    sh.copytree(FIXTURE, folder)
    assert comparison.load_summaries(tmp_path)  # the fixture matches the schema
    body = json.loads((folder / "04_grid_search.json").read_text())
    body["facts"]["best_parameters"] = body["facts"].pop("best_params")  # a renamed field
    (folder / "04_grid_search.json").write_text(json.dumps(body))
    with pytest.raises(comparison.SummaryError, match=r"04_grid_search.json: no field 'best_params'"):
        comparison.load_summaries(tmp_path)
    # writing: a notebook must hand over its declared class, not a loose dict
    from fer_study.core.settings import from_json

    out = report.Outputs("04_grid_search", from_json(body["settings"]), body["data"], tmp_path / "new")
    with pytest.raises(schema.SchemaError, match="must write a Grid summary"):
        out.summary({"grid": {}})


def _reading(paper, reading, top1, n=2000, trained=True):
    return schema.Reading(
        paper=paper,
        reading=reading,
        what=reading,
        test_top1=top1,
        n_test=n,
        final_train_accuracy=top1,
        final_val_accuracy=top1,
        most_dead_relu=0.0,
        trained=trained,
        failure="" if trained else "did not train",
        health_flags="",
        run_key="0" * 24,
    )


def test_a_reading_whose_interval_reaches_the_paper_changes_the_verdict():
    rows = [
        _reading("A", "chosen", 0.60),
        _reading("A", "block dropout", 0.77),  # Wilson upper bound 0.788 over 2,000 images: reaches 78 %
        _reading("A", "first reading", 0.90, trained=False),  # a failed training decides nothing
        _reading("B", "chosen", 0.47, n=7178),
        _reading("B", "plain6", 0.50, n=7178),
    ]
    table = comparison.sensitivity_verdicts(rows)
    by = table.set_index(["paper", "reading"])
    # In % (issue 35: one unit wherever a reader compares).
    assert by.loc[("A", "chosen"), "claim"] == "A3" and by.loc[("A", "chosen"), "paper figure %"] == pytest.approx(78)
    assert by.loc[("B", "chosen"), "claim"] == "B2" and by.loc[("B", "chosen"), "paper figure %"] == pytest.approx(
        76.11
    )
    assert by.loc[("A", "chosen"), "95% interval (Wilson) %"] == "57.8-62.1"
    assert list(table["reaches the figure"]) == [False, True, False, False, False]
    text = comparison.sensitivity_verdict_text(table).splitlines()
    assert "The verdict depends on the reading**: block dropout would change it" in text[0]
    assert "first reading failed to train" in text[0]
    assert "No reading changes this verdict" in text[1]
    # Given the settings, each line names the readings' budget, which is not the claim row's run.
    st = profiles.resolve("cpu")
    budgeted = comparison.sensitivity_verdict_text(table, st).splitlines()
    assert f"one seed, {st.paper_a.a_extra_epochs} epochs, the readings' budget" in budgeted[0]
    assert f"one seed, {st.paper_b.b_final_epochs} epochs, the readings' budget" in budgeted[1]


def test_the_smoke_runs_readings_resolve_against_their_claims(summaries):
    table = comparison.sensitivity_verdicts(comparison.readings(comparison.from_bodies(summaries)))
    assert set(table["claim"]) == {"A3", "B2"}
    assert (table["test images"] > 0).all()
    assert comparison.sensitivity_verdict_text(table).count("* Claim") == 2


def test_the_control_table_keeps_a_small_learning_rate_through_rounding(summaries):
    from fer_study.reporting import controls

    control = summaries["06_controls"]["facts"]["control"]
    control["runs"][0]["final_learning_rate"] = 1.0000000474974513e-4
    table = controls.control_table(schema.decode(schema.Control, control, "06")).round(2)  # as notebook 06 prints it
    clean = table[table["protocol"] == "clean"]
    assert clean["final lr"].iloc[0] == "1e-04"
    assert float(clean["published %"].iloc[0]) == pytest.approx(100 * control["published"]["accuracy"], abs=0.01)
    # Both rows: the authors' protocol (measured on the images that chose its checkpoint, as
    # published) and the clean report (PrivateTest, which steered nothing).
    assert list(table["protocol"]) == ["authors'", "clean"]
    assert "chose the checkpoint" in table["measured on"].iloc[0]


def test_an_older_summary_is_refused_by_its_version_naming_the_file(tmp_path):
    """A summary written under another layout is never read as if it were this one: the reader
    names the file, its version and the one this code reads."""
    (tmp_path / "summaries").mkdir()
    for p in FIXTURE.glob("*.json"):
        shutil.copy(p, tmp_path / "summaries" / p.name)
    comparison.load_summaries(tmp_path)  # this version: read
    path = tmp_path / "summaries" / "03_basic_vs_improved.json"
    body = json.loads(path.read_text())
    body["schema_version"] = schema.VERSION - 1
    path.write_text(json.dumps(body))
    with pytest.raises(
        comparison.SummaryError,
        match=rf"03_basic_vs_improved.json: summary schema {schema.VERSION - 1}, but this code reads schema {schema.VERSION}",
    ):
        comparison.load_summaries(tmp_path)
    with pytest.raises(schema.SchemaError, match="re-run notebook 03"):
        schema.load(path)


def test_the_nested_records_are_declared_to_their_leaves_and_checked_on_load(tmp_path):
    """A renamed or missing field deep inside a summary (a model's top-1, a retrain's curve) is
    refused when the summary is read, naming the file and the path to it."""
    (tmp_path / "summaries").mkdir()
    for p in FIXTURE.glob("*.json"):
        shutil.copy(p, tmp_path / "summaries" / p.name)
    path = tmp_path / "summaries" / "03_basic_vs_improved.json"
    body = json.loads(path.read_text())
    headline = body["facts"]["paper_a_split"]["headline"]["improved"]
    headline["top_1"] = headline.pop("top1")
    path.write_text(json.dumps(body))
    with pytest.raises(
        schema.SchemaError,
        match=r"03_basic_vs_improved.json: facts.paper_a_split.headline.improved: unknown field 'top_1'",
    ):
        schema.load(path)
    del headline["top_1"]
    path.write_text(json.dumps(body))
    with pytest.raises(
        schema.SchemaError,
        match=r"headline.improved: no field 'top1' \(declared in fer_study.core.schema.ModelHeadline\)",
    ):
        schema.load(path)
    path = tmp_path / "summaries" / "05_ga_search.json"
    body = json.loads(path.read_text())
    body["facts"]["final"]["paper/table2"]["curve"]["val"]["state"] = 3
    path.write_text(json.dumps(body))
    with pytest.raises(
        schema.SchemaError, match=r"facts.final.paper/table2.curve.val.state: 3 where a str is declared"
    ):
        schema.load(path)


def test_records_read_back_as_written_and_a_misspelt_producer_fails_at_write():
    """decode then encode gives back the JSON a summary holds (the layout on disk is the records'),
    and a producer handing over a record with a field the schema does not know fails before
    anything is written."""
    for p in sorted(FIXTURE.glob("*.json")):
        facts = json.loads(p.read_text())["facts"]
        cls = schema.BY_NOTEBOOK[p.stem]
        hints = __import__("typing").get_type_hints(cls)
        for name, value in facts.items():
            typed = schema.decode(hints[name], value, f"{p.stem}.{name}")
            assert schema.encode(typed) == value, f"{p.stem}.{name} does not read back as written"
    evaluation = json.loads((FIXTURE / "03_basic_vs_improved.json").read_text())["facts"]["paper_a_split"]
    typed = schema.decode(schema.Evaluation, evaluation, "03")
    assert typed.headline["improved"].top1.interval_kind and typed.headline["improved"].curve.val.min_window > 0
    evaluation["headline"]["improved"]["top1"]["intervall"] = [0, 1]
    with pytest.raises(schema.SchemaError, match=r"03 paper_a_split.headline.improved.top1: unknown field 'intervall'"):
        schema.record(schema.Evaluation, evaluation, "03 paper_a_split")


def test_table4_adds_the_controls_rows_with_their_named_intervals(summaries):
    control = summaries["06_controls"]["facts"]["control"]
    control["private_accuracy"] = {
        "mean": 0.57,
        "std": 0.0,
        "n": 1,
        "values": [0.57],
        "ci95": [0.55, 0.59],
        "ci_seed": 0,
    }
    control["authors"]["accuracy"] = {
        "mean": 0.64,
        "std": 0.01,
        "n": 3,
        "values": [0.63, 0.64, 0.65],
        "interval": [0.615, 0.665],
        "interval_kind": "t-interval of the mean over 3 seeds",
    }
    t4 = comparison.table4(comparison.from_bodies(summaries)).set_index("model")
    private = t4.loc["Mini-Xception [45], positive control, PrivateTest"]
    assert private["test accuracy %"] == 57.0 and private["source"].endswith("(seed 0): 55.0–59.0")
    authors = t4.loc["Mini-Xception [45], positive control, its authors' protocol (PublicTest + PrivateTest)"]
    assert authors["test accuracy %"] == 64.0 and "t-interval of the mean over 3 seeds: 61.5–66.5" in authors["source"]


def test_a_markdown_table_prints_text_columns_as_written():
    """tabulate would parse "1e-04" and print it 0.0001 beside a neighbour's 1e-08."""
    import pandas as pd

    from fer_study.reporting import report

    df = pd.DataFrame({"final lr": ["1e-08", "1e-04"], "ours %": [63.42, 56.98]})
    md = report.markdown(df)
    assert "1e-04" in md and "0.0001" not in md and "63.42" in md
    assert "| 1e-04 " in report.markdown(df.set_index("ours %"), index=True)


def test_the_reports_first_screen_separates_findings_from_dataset_counts():
    """Issue 35: "8 reproduced" for paper A read as a success when five were counts of FER2013."""
    from fer_study.reporting import site

    claims = pd.DataFrame(
        {
            "id": ["A6", "A12", "A9", "A1"],
            "claim": ["training accuracy", "35,887 images", "per class", "accuracy"],
            "paper": ["0.99", "35887", "5000", "0.89"],
            "ours": ["0.99", "35887", "4953", "0.81"],
            "verdict": ["reproduced", "reproduced", "reproduced", "not reproduced"],
        }
    )
    text = site.bottom_line(claims, {"profile": "cpu"})
    assert "Reproduced: A6 (findings), and A12, A9 (counts of the dataset)." in text
    none = claims.assign(verdict="not reproduced")
    assert "Nothing reproduced." in site.bottom_line(none, {"profile": "cpu"})


def test_the_report_has_contents_claim_anchors_captions_and_readable_cells(summaries, tmp_path):
    """Issue 35: no table of contents or anchors; captions were file names; booleans printed True; one
    column printed 1e-08 beside 0.0001; claims out of paper order."""
    from fer_study.reporting import site

    root = tmp_path / "results"
    (root / "summaries").mkdir(parents=True)
    (root / "tables").mkdir()
    (root / "figures").mkdir()
    comparison.claim_table(comparison.from_bodies(summaries)).to_csv(root / "tables" / "07_claims.csv", index=False)
    pd.DataFrame(
        {"slip": ["a", "b"], "p": [1e-08, 0.0001], "ours %": [61.46, 80.73], "can produce it": [False, True]}
    ).to_csv(root / "tables" / "07_forensics.csv", index=False)
    (root / "figures" / "07_claims.png").write_bytes(b"\x89PNG")
    page = site.build(root).read_text()
    anchors = set(re.findall(r"id='([^']+)'", page)) | set(re.findall(r'id="([^"]+)"', page))
    targets = set(re.findall(r"href='#([^']+)'", page))
    assert {"claims", "forensics", "figures"} <= targets and targets <= anchors, targets - anchors
    assert [f"claim-{c.id}" for c in claims.REGISTRY] == re.findall(r'<tr id="(claim-[^"]+)"', page)
    ids = [c.id for c in claims.REGISTRY]
    assert ids.index("A20") < ids.index("B1") and ids.index("B6") < ids.index("B7")  # paper order
    assert "Every accuracy claim: the paper" in page  # a caption, not just the file name
    forensics = page[page.index("id='forensics'") :]
    assert "<td>yes</td>" in forensics and "True" not in forensics.split("</table>")[0]
    assert "<td>1.0e-08</td>" in forensics and "<td>1.0e-04</td>" in forensics


def test_paper_bs_times_stand_only_beside_the_protocol_it_ran_and_audits_print_percent(summaries):
    """Issue 35: 07_compute printed paper B's generation times in clean-protocol rows the paper never
    ran; the metric audit printed fractions beside the claims' %."""
    s = comparison.from_bodies(summaries)
    compute = comparison.compute_table(s)
    clean = compute[compute["stage"].str.contains("clean protocol")]
    assert len(clean) and (clean["paper"] == "not run in the paper").all()
    paper = compute[compute["stage"].str.contains(r"generation \d \(paper protocol\)")]
    assert paper["paper"].str.endswith("(printed)").all()
    audit = comparison.audit_table(s)
    assert audit.loc[0, "top-1 %"] == pytest.approx(78.0)  # Table 2: 156 of 200
    assert "reads as 89.0 % one-vs-rest" in comparison.audit_table_text(audit)


def test_the_report_prints_yes_no_for_booleans_only(tmp_path):
    """0 and 1 in a count column are numbers; only a column of booleans reads yes/no."""
    from fer_study.reporting import site

    csv = tmp_path / "t.csv"
    pd.DataFrame({"seeds": [0, 1], "trained": [True, False], "partly": [True, None]}).to_csv(csv, index=False)
    cells = re.findall(r"<td>([^<]*)</td>", site._table_html(csv))
    assert cells == ["0", "yes", "yes", "1", "no", "–"], cells
