"""The replication article (issue 35): written from a results folder's records, byte-stable,
compiled by pdflatex with no undefined reference, no overfull box and no Type 3 font."""

import shutil
import subprocess
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from fer_study import cli
from fer_study.core import rulebook
from fer_study.reporting import article, comparison, report

FIXTURE = Path(__file__).parent / "fixtures" / "smoke_summaries"


@pytest.fixture
def results(tmp_path):
    """A results folder as notebook 07 leaves it: the smoke summaries, the claims table as LaTeX and
    the claims figure (saved the way every notebook saves its figures)."""
    root = tmp_path / "smoke"
    shutil.copytree(FIXTURE, root / "summaries")
    s = comparison.load_summaries(root)
    out = report.Outputs("07_comparison", s.settings["05_ga_search"], s.data, root)
    table = comparison.claim_table(s)
    out.table(table, "07_claims", index=False, latex=True, latex_frame=comparison.claims_for_print(table))
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0.2, 0.8], label="ours")
    ax.set_xlabel("claims")
    ax.legend()
    out.figure(fig, "07_claims")
    plt.close(fig)
    return root, s


def test_the_article_is_rendered_from_the_records_and_byte_stable(results):
    root, s = results
    first = article.write(root).read_bytes()
    assert article.write(root).read_bytes() == first  # no date, path or commit in it
    text = first.decode()
    rows = comparison.claim_rows(s)
    for paper in ("A", "B"):
        n = sum(r.paper == paper for r in rows)
        assert f"Paper {paper} (" in text and f"{n} claims" in text
    assert rulebook.digest() in text and "\\label{tab:07_claims}" in text and "\\ref{tab:07_claims}" in text
    assert "demo data, not FER2013" in text  # the smoke fixture ran on the demo data: the article says so
    assert str(root) not in text


def test_the_article_compiles_clean(results):
    if not (shutil.which("pdflatex") and shutil.which("pdffonts")):
        pytest.skip("TeX Live and poppler-utils are not installed (.ci/run installs them)")
    root, _ = results
    article.write(root)
    pdf = article.compile_pdf(root)
    assert article.check(pdf, root / "article.log") == []
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "Type 3" not in fonts  # the figure's fonts are TrueType (pdf.fonttype 42)
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Reproducibility" in words and "??" not in words and "[¬Re]" in words


def test_a_figure_pdf_embeds_no_type3_font(results):
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils is not installed")
    root, _ = results
    fonts = subprocess.run(["pdffonts", str(root / "figures" / "07_claims.pdf")], capture_output=True, text=True).stdout
    assert "TrueType" in fonts and "Type 3" not in fonts


def test_without_pdflatex_the_command_says_how_to_install_it(results, monkeypatch, capsys):
    root, _ = results
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "pdflatex" else real(name, *a, **k))
    assert cli.main(["article", "--out", str(root)]) == 2
    err = capsys.readouterr().err.strip()
    assert "pdflatex is not installed" in err and "apt-get install" in err and len(err.splitlines()) == 1
    assert (root / "article.tex").exists()


def test_the_methods_name_every_reading_with_its_settings_values(results):
    """Issue 35: the methods section states every reading the study chose and why (core.papers.READINGS),
    each with the values of the settings that hold it; the discussion gives each undecided row's reason."""
    from fer_study.core import papers, settings

    root, s = results
    text = article.body(root)
    known = settings.defaults()
    for r in papers.READINGS:
        assert all(k in known for k in r.keys), r.keys
        assert latex_escape(r.chosen) in text and latex_escape(r.why) in text
    flat = s.settings["05_ga_search"].flat()
    assert f"b\\_epochs}} = {flat['b_epochs']}" in text
    undecided = [row for row in comparison.claim_rows(s) if row.verdict == "inconclusive at this budget"]
    assert all(f"\\item[{row.id}]" in text for row in undecided)


def latex_escape(t: str) -> str:
    from fer_study.reporting import latex

    return latex.escape(t)
