"""The fer-study command line."""

import json
import subprocess
import sys

from conftest import needs_fer2013, real_fer2013

from fer_study import cli
from fer_study.data.integrity import KNOWN_COUNTS

FER2013_SHA256 = "cd401ff70d11dfc69dffb0d072681372a9f26bba77daa8e2ec63e229de956e34"


def test_data_info_json(small_zip, capsys):
    assert cli.main(["data", "info", "--data", str(small_zip), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["format"] == "zip" and len(info["sha256"]) == 64
    assert set(info["counts"]) == {"Training", "PublicTest", "PrivateTest"}
    assert info["counts"]["Training"]["happy"] == 2
    assert {"exact", "near"} <= set(info["duplicates"])


def test_missing_data_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["data", "info", "--data", str(tmp_path / "nope.zip")]) == 2
    assert "nope.zip: no such file or folder" in capsys.readouterr().err


def test_fetch_without_network_says_what_to_do(monkeypatch, capsys):
    import kagglehub

    def offline(handle, *a, **k):
        raise ConnectionError("network is unreachable")

    monkeypatch.setattr(kagglehub, "dataset_download", offline)
    assert cli.main(["data", "fetch"]) == 2
    err = capsys.readouterr().err
    assert "could not download msambare/fer2013" in err and "FER2013_PATH" in err


def test_unknown_set_key_is_an_error(capsys):
    assert cli.main(["profiles", "--profile", "cpu", "--set", "nope=1"]) == 2
    assert "unknown setting 'nope'" in capsys.readouterr().err


@needs_fer2013
def test_real_fer2013_info_matches_the_published_counts():
    out = subprocess.run(
        [sys.executable, "-m", "fer_study", "data", "info", "--data", str(real_fer2013()), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    info = json.loads(out)
    assert info["counts"] == KNOWN_COUNTS
    assert info["sha256"] == FER2013_SHA256
    assert info["count_differences"] == []


def test_lab_is_rooted_at_the_checkout_and_opens_on_notebooks(monkeypatch):
    """Issue 35: `tasks.py lab` was rooted at notebooks/, so results/<profile>/notebooks/ were out of reach."""
    import importlib.util
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("tasks_under_test", root / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    ran = []
    monkeypatch.setattr(tasks, "ensure_environment", lambda: None)
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: ran.append(cmd) or subprocess.CompletedProcess(cmd, 0))
    assert tasks.lab([]) == 0
    cmd = ran[0]
    assert cmd[cmd.index("--notebook-dir") + 1] == str(root)
    assert "--LabApp.default_url=/lab/tree/notebooks" in cmd


def test_runs_prints_each_purpose_whole_with_a_health_column(tmp_path, capsys):
    """Issue 35: `runs` cut the purpose at 58 characters (six grid rows read alike) and had no
    health column."""
    import json

    from fer_study import cli

    purpose = "04 paper_a grid {'learning_rate': 0.001, 'batch_size': 16, 'dropout': 0.5, 'n_conv': 4} seed 2"
    entry = tmp_path / "cpu" / "runs" / ("a" * 24)
    entry.mkdir(parents=True)
    record = {
        "purpose": purpose,
        "key_material": {"model": {"arch": "improved_cnn"}},
        "history": {"loss": [1.0, 0.9]},
        "seconds": 120.0,
        "health": {"trained": False},
    }
    (entry / "run.json").write_text(json.dumps(record))
    assert cli.main(["runs", "--out", str(tmp_path / "cpu")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[-2:] == ["health", "purpose"]
    assert "learning_rate=0.001, batch_size=16, dropout=0.5, n_conv=4 seed 2" in out[1]
    assert "FAILED TO TRAIN" in out[1]
