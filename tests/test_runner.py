"""The papermill runner on the smoke profile, and how it fails."""

import json
import os
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from fer_study import runner

# Trains models, runs notebooks or spawns processes: left out of the fast tier (pytest -m 'not slow').
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smoke_01_02(tmp_path_factory):
    """One run of notebooks 01-02 on the demo data, shared by the tests that only read it (nbval
    runs every notebook anyway; each run here costs a kernel start and two notebooks)."""
    home = tmp_path_factory.mktemp("fer-home-runner")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FER_STUDY_HOME", str(home))
        mp.setenv("FER_STUDY_OUT", str(home / "results"))
        mp.delenv("FER2013_PATH", raising=False)
        out = home / "out"
        record = runner.run(profile="smoke", data="demo", out=out, only=["01", "02"], log=lambda s: None)
    return out, record


def _copy(smoke_01_02, to):
    """A private copy of the shared run, for a test that writes into it (the report)."""
    import shutil

    shutil.copytree(smoke_01_02[0], to)
    return to


def test_smoke_run_writes_notebooks_outputs_and_run_record(smoke_01_02):
    tmp_path, record = smoke_01_02
    assert record["status"] == "ok"
    names = [n["notebook"] for n in record["notebooks"]]
    assert names[:2] == ["01_data_exploration.ipynb", "02_downsampling.ipynb"]
    saved = json.loads((tmp_path / "run.json").read_text())
    assert saved["data"]["is_demo"] and len(saved["data"]["sha256"]) == 64
    assert saved["seed"] == 0 and saved["profile"] == "smoke"
    assert {"git", "packages", "machine"} <= set(saved["provenance"])
    assert saved["provenance"]["packages"]["keras"]
    assert saved["training"]["per_notebook"] == {} and saved["training"]["total_seconds"] == 0  # 01-02 train nothing
    for f in (
        "figures/01_counts.png",
        "figures/01_counts.pdf",
        "tables/01_counts.csv",
        "tables/01_counts.md",
        "figures/02_downsampling.pdf",
        "splits/paper_a.npz",
        "summaries/02_downsampling.json",
    ):
        assert (tmp_path / f).exists(), f
    executed = nbformat.read(tmp_path / "notebooks" / "02_downsampling.ipynb", as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)
    summary = json.loads((tmp_path / "summaries" / "01_data_exploration.json").read_text())
    assert summary["data"]["data_label"] == "demo data, not FER2013"
    assert "demo data, not FER2013" in (tmp_path / "tables" / "01_counts.md").read_text()


def test_a_relative_data_path_reaches_the_notebooks(tmp_path, monkeypatch):
    from conftest import make_images, write_zip

    monkeypatch.chdir(tmp_path)
    write_zip(tmp_path / "mine.zip", make_images(per_cell=2))
    record = runner.run(profile="smoke", data="mine.zip", out=tmp_path / "out", only=["01"], log=lambda s: None)
    assert record["status"] == "ok"
    summary = json.loads((tmp_path / "out" / "summaries" / "01_data_exploration.json").read_text())
    assert summary["data"]["source"] == "mine.zip"  # by name: committed files name no machine's folders


def test_only_and_overrides_reach_the_notebook(tmp_path):
    runner.run(profile="smoke", data="demo", out=tmp_path, only=["1"], overrides={"seed": 3}, log=lambda s: None)
    summary = json.loads((tmp_path / "summaries" / "01_data_exploration.json").read_text())
    assert summary["settings"]["seed"] == 3
    assert not (tmp_path / "summaries" / "02_downsampling.json").exists()


def test_unknown_override_fails_before_running(tmp_path):
    with pytest.raises(KeyError, match="unknown setting 'epochz'"):
        runner.run(profile="smoke", data="demo", out=tmp_path, overrides={"epochz": 1}, log=lambda s: None)
    assert not (tmp_path / "notebooks").exists()


def test_a_failing_notebook_names_itself_and_keeps_the_partial_copy(tmp_path, monkeypatch):
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('profile = "smoke"\ndata = "auto"\nout_dir = ""\noverrides = {}')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('boom')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, nbdir / "01_broken.ipynb")
    monkeypatch.setattr(runner, "notebooks_dir", lambda: nbdir)
    with pytest.raises(runner.NotebookFailed) as err:
        runner.run(profile="smoke", data="demo", out=tmp_path / "out", log=lambda s: None)
    msg = str(err.value)
    assert "01_broken.ipynb failed in cell" in msg and "ValueError: boom" in msg
    assert (tmp_path / "out" / "notebooks" / "01_broken.ipynb").exists()
    assert json.loads((tmp_path / "out" / "run.json").read_text())["status"] == "failed"


NOISE = ("oneDNN", "absl::", "IPKernelApp", "TCP without encryption", "DeprecationWarning", "cpu_feature_guard")


def test_a_run_prints_no_framework_noise_and_ends_naming_its_results(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "fer_study",
            "run",
            "--profile",
            "smoke",
            "--data",
            "demo",
            "--only",
            "02",
            "03",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    console = done.stdout + done.stderr
    assert done.returncode == 0, console[-3000:]
    assert not [w for w in NOISE if w in console], console
    assert done.stdout.strip().splitlines()[-1] == f"results: {tmp_path} (what ran: {tmp_path / 'run.json'})"
    finished = done.stdout.strip().splitlines()[-2]
    assert "data: demo data, not FER2013; 4 trained now, 0 loaded from the store" in finished, finished
    executed = (tmp_path / "notebooks" / "03_basic_vs_improved.ipynb").read_text()
    assert not [w for w in NOISE if w in executed]

    # A re-render that trains nothing changes run.json only: every other file it writes is the same
    # bytes, and none names this machine's folders (the issue found 28 committed files rewritten).
    kept = {"run.json"}
    uncommitted = ("site/", "provenance/", "timings/", "runs/", ".fer-study.lock")

    def snapshot():
        return {
            p.relative_to(tmp_path).as_posix(): p.read_bytes()
            for p in sorted(tmp_path.rglob("*"))
            if p.is_file() and not p.relative_to(tmp_path).as_posix().startswith(uncommitted)
        }

    # (The run above trained, so its notebook says "ran"; two re-renders from the store must agree.)
    for _ in range(2):
        again = subprocess.run(done.args, capture_output=True, text=True, timeout=900)
        assert again.returncode == 0, (again.stdout + again.stderr)[-3000:]
        if _ == 0:
            first = snapshot()
    assert "ran (" not in (tmp_path / "notebooks" / "03_basic_vs_improved.ipynb").read_text()  # loaded, not trained
    assert "0 trained now, 4 loaded from the store" in again.stdout
    second = snapshot()
    assert set(first) == set(second)
    changed = sorted(name for name in first if first[name] != second[name] and name not in kept)
    assert changed == [], changed
    for name, data in second.items():
        assert str(tmp_path).encode() not in data, name
        assert b"/work/" not in data and b"/home/" not in data and b"/root/" not in data, name


def test_the_report_of_a_run_links_only_what_exists(tmp_path, smoke_01_02):
    from urllib.parse import urlparse

    from fer_study.reporting import site

    index = site.build(_copy(smoke_01_02, tmp_path / "out"))
    hrefs = site.links(index)
    assert any(h.startswith("notebooks/02_downsampling.html") for h in hrefs)
    assert any(h.endswith("01_counts.png") for h in hrefs)
    for h in hrefs:
        target = (index.parent / urlparse(h).path).resolve()
        assert target.exists(), h
    text = index.read_text()
    assert "profile <b>smoke</b>" in text and "demo data, not FER2013" in text


def test_the_report_answers_first_and_stands_alone_offline(tmp_path, smoke_01_02):
    """The report opens with the answer, defines its verdicts, renders its tables, and its folder
    works copied alone with no network: every link stays inside it, no page fetches a script."""
    import re
    import shutil
    from urllib.parse import urlparse

    from fer_study.reporting import site

    index = site.build(_copy(smoke_01_02, tmp_path / "out"))
    alone = tmp_path / "copied"
    shutil.copytree(index.parent, alone)
    shutil.rmtree(tmp_path / "out")  # nothing outside the site folder is left to lean on
    page = (alone / "index.html").read_text()
    assert page.index("What reproduces?") < page.index("The verdicts") < page.index("Every table")
    assert "reproducible as specified" in page and "<table" in page  # definitions and rendered tables
    for h in site.links(alone / "index.html"):
        assert not urlparse(h).scheme and (alone / urlparse(h).path).exists(), h
    for nb in (alone / "notebooks").glob("*.html"):
        body = nb.read_text()
        assert "../index.html" in body, nb.name  # a way back
        assert not re.search(r"<script[^>]*src=['\"]https?://", body), nb.name
        assert not re.search(r"import\(\s*['\"]https?://", body), nb.name


def test_printed_text_is_stored_the_same_however_the_kernel_chunked_it():
    one = [{"name": "stdout", "output_type": "stream", "text": ["a: loaded\n", "b: loaded\n"]}]
    two = [
        {"name": "stdout", "output_type": "stream", "text": ["a: loaded\n"]},
        {"name": "stdout", "output_type": "stream", "text": "b: loaded\n"},
    ]
    assert runner.merge_streams(two) == runner.merge_streams(one) == one
    # A display or another stream between them keeps its place: only neighbours of one name merge.
    mixed = [two[0], {"name": "stderr", "output_type": "stream", "text": ["warn\n"]}, two[1]]
    assert runner.merge_streams(mixed) == [two[0], mixed[1], {**two[1], "text": "b: loaded\n"}]
    shown = [two[0], {"output_type": "display_data", "data": {"text/plain": "x"}, "metadata": {}}, two[1]]
    assert len(runner.merge_streams(shown)) == 3
    assert two[0]["text"] == ["a: loaded\n"]  # the input is not changed in place


def _docs_text() -> str:
    """The README and every page of docs/, in that order: where documented commands are printed."""
    root = Path(__file__).resolve().parents[1]
    return "\n".join(p.read_text() for p in [root / "README.md", *sorted((root / "docs").glob("*.md"))])


def _readme_papermill_commands() -> list[str]:
    """Every papermill line the README and docs/ print (continuations joined), with the `mkdir` before it."""
    text = _docs_text().replace("\\\n", " ")
    return [
        m.group(0).strip("`") for m in re.finditer(r"(?:mkdir -p \S+(?: &&|\n))?\s*\.venv/bin/papermill [^`\n]+", text)
    ]


@pytest.mark.parametrize("index", [0, 1], ids=["scratch-folder", "gpu-section"])
def test_the_readmes_papermill_commands_work_as_printed(tmp_path, index):
    """Issue 35: the plain papermill example failed on a new folder (papermill writes its output
    notebook there first, and the notebook refused the folder), the GPU section's on a fresh clone
    (papermill creates no folder). Each runs here as printed, on the demo data with the smoke profile
    and notebook 01 (the GPU line's notebook 03 would train for hours), in a scratch folder."""
    commands = _readme_papermill_commands()
    assert len(commands) == 2, commands
    root = Path(__file__).resolve().parents[1]
    cmd = commands[index]
    cmd = re.sub(r"-p profile \w+", "-p profile smoke", cmd).replace("/path/to/fer2013.zip", "demo")
    cmd = cmd.replace("/tmp/scratch", str(tmp_path / "scratch")).replace("$PWD/results/paper", str(tmp_path / "paper"))
    cmd = cmd.replace("results/paper", str(tmp_path / "paper")).replace("03_basic_vs_improved", "01_data_exploration")
    env = {k: v for k, v in os.environ.items() if k != "FER2013_PATH"}
    done = subprocess.run(cmd, shell=True, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (cmd, done.stderr[-2000:])
    out = tmp_path / ("scratch" if index == 0 else "paper")
    assert (out / "summaries" / "01_data_exploration.json").exists()


def test_the_gpu_sections_run_line_works_as_printed_on_the_jax_backend(tmp_path):
    """Issue 35: the GPU section's `KERAS_BACKEND=jax ... fer-study run --profile paper` line, as
    printed, on the demo data and notebook 01 only (the rest trains for days), into a scratch folder:
    the JAX backend that `setup --gpu` serves runs the study's code unchanged (here on the CPU)."""
    pytest.importorskip("jax")
    text = _docs_text()
    lines = [ln.split("#")[0].strip() for ln in text.splitlines() if "fer-study run --profile paper" in ln]
    line = next(ln for ln in lines if ln.startswith("KERAS_BACKEND=jax "))
    cmd = line.replace("/path/to/fer2013.zip", "demo") + f" --only 01 --out {tmp_path / 'paper'}"
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k not in ("FER2013_PATH", "KERAS_BACKEND")}
    done = subprocess.run(cmd, shell=True, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (cmd, done.stderr[-2000:])
    record = json.loads((tmp_path / "paper" / "run.json").read_text())
    assert record["profile"] == "paper" and '"keras_backend": "jax"' in json.dumps(record)
