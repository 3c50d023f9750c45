"""Detection: faces found in a package photo, no face, not an image, unknown model, class mismatch."""

import json

import numpy as np
import pytest
from PIL import Image

from fer_study import cli
from fer_study.experiments import detection
from fer_study.nn import architectures as models
from fer_study.nn import saved_models
from fer_study.nn.store import STORE_VERSION, seal

# Trains models, runs notebooks or spawns processes: left out of the fast tier (pytest -m 'not slow').
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    return saved_models.save(
        models.basic_cnn(4),
        "tiny",
        ["angry", "happy", "neutral", "sad"],
        folder,
        {"notebook": "test", "data": "none", "data_sha256": "0" * 64},
    )


@pytest.fixture
def astronaut(tmp_path):
    from skimage import data

    path = tmp_path / "astronaut.png"
    Image.fromarray(data.astronaut()).save(path)
    return path


def test_crop_is_grey_square_48(tmp_path):
    grey = np.arange(200 * 300, dtype=np.uint32).reshape(200, 300).astype(np.uint8)
    c = detection.crop(grey, detection.Box(top=-10, left=250, size=80))  # partly outside the image
    assert c.shape == (48, 48) and c.dtype == np.uint8
    assert detection.to_grey(np.zeros((5, 5, 3), np.uint8)).shape == (5, 5)


def test_face_found_writes_annotated_image_and_json(tmp_path, astronaut, model_file, capsys):
    out = tmp_path / "out"
    assert cli.main(["detect", str(astronaut), "--model", str(model_file), "--out", str(out), "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 1
    face = records[0]
    assert set(face["probabilities"]) == {"angry", "happy", "neutral", "sad"}
    assert abs(sum(face["probabilities"].values()) - 1) < 1e-4
    assert 150 < face["box"]["left"] < 200 and 50 < face["box"]["top"] < 100  # the astronaut's face
    assert (out / "astronaut_annotated.png").exists()
    lines = (out / "detections.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["model_file"] == str(model_file)


def test_no_face_is_a_distinct_exit_status(tmp_path, model_file, capsys):
    blank = tmp_path / "wall.png"
    Image.fromarray(np.full((240, 320), 128, np.uint8)).save(blank)
    assert cli.main(["detect", str(blank), "--model", str(model_file), "--out", str(tmp_path / "o")]) == cli.NO_FACE
    assert "no face found" in capsys.readouterr().err


def test_not_an_image_names_the_file(tmp_path, model_file, capsys):
    bad = tmp_path / "notes.jpg"
    bad.write_text("this is not a picture")
    assert cli.main(["detect", str(bad), "--model", str(model_file), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "notes.jpg: not a readable image" in err
    assert (
        cli.main(["detect", str(tmp_path / "missing.png"), "--model", str(model_file), "--out", str(tmp_path / "o")])
        == 2
    )
    assert "missing.png: no such file" in capsys.readouterr().err


def test_not_a_video_names_the_file(tmp_path, model_file, capsys):
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(b"\x00" * 100)
    assert cli.main(["detect", str(bad), "--model", str(model_file), "--out", str(tmp_path / "o")]) == 2
    assert "clip.mp4" in capsys.readouterr().err


def test_unknown_model_and_class_mismatch(tmp_path, astronaut, model_file, capsys):
    assert cli.main(["detect", str(astronaut), "--model", "no-such-model", "--out", str(tmp_path / "o")]) == 2
    assert "unknown model 'no-such-model'" in capsys.readouterr().err
    assert (
        cli.main(
            [
                "detect",
                str(astronaut),
                "--model",
                str(model_file),
                "--classes",
                "happy,sad",
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 2
    )
    assert "predicts angry,happy,neutral,sad, not the classes asked for" in capsys.readouterr().err


def test_a_stored_runs_model_is_named_by_its_run_key_and_its_weights_stay_in_the_store(model_file, tmp_path):
    """Committed results hold each byte once: models/<name>.json names the stored run, whose
    model.keras is the only copy of the weights; the name loads through it (checked against the
    entry's seal), and a lost entry is an error naming the index."""
    key = "abc123" + "0" * 18
    entry = tmp_path / "runs" / key
    entry.mkdir(parents=True)
    (entry / "model.keras").write_bytes(model_file.read_bytes())
    np.savez(entry / "arrays.npz", probs_val=np.zeros((1, 4)))
    record = {"store_version": STORE_VERSION, "key": key, "has_model": True}
    (entry / "run.json").write_text(json.dumps(seal(entry, record)))
    meta = {"notebook": "test", "data": "none", "data_sha256": "0" * 64, "run_key": key}
    weights = saved_models.save(
        entry / "model.keras", "copy", ["angry", "happy", "neutral", "sad"], tmp_path / "models", meta
    )
    assert weights == entry / "model.keras" and not list((tmp_path / "models").glob("*.keras"))
    index = json.loads((tmp_path / "models" / "copy.json").read_text())
    assert index["run_key"] == key and index["weights"] == "run store"
    model, loaded = saved_models.load("copy", tmp_path.parent)  # by name under <results>/<profile>/models
    assert model.output_shape == (None, 4) and loaded["classes"][1] == "happy" and loaded["file"] == str(weights)
    weights.unlink()
    with pytest.raises(saved_models.ModelNotFound, match=f"copy.json: its stored run {key} has no model.keras"):
        saved_models.load(str(tmp_path / "models" / "copy.json"))
    with pytest.raises(ValueError, match="run key"):
        saved_models.save(model_file, "x", ["angry"], tmp_path / "models", {"notebook": "test"})


def test_a_refused_input_keeps_the_earlier_detections(tmp_path, astronaut, model_file, capsys):
    """Round 3: detections.jsonl was opened for writing before the inputs were read, so a refused
    input emptied the previous run's records."""
    out = tmp_path / "out"
    assert cli.main(["detect", str(astronaut), "--model", str(model_file), "--out", str(out)]) == 0
    before = (out / "detections.jsonl").read_text()
    assert before and "model: tiny" in capsys.readouterr().out  # the console names its model
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a picture")
    assert cli.main(["detect", str(astronaut), str(bad), "--model", str(model_file), "--out", str(out)]) == 2
    assert (out / "detections.jsonl").read_text() == before


def test_an_oversized_image_is_refused_from_its_header_in_one_line(tmp_path, model_file, capsys):
    big = tmp_path / "huge.png"
    Image.new("L", (9000, 9000)).save(big)  # about 80 KB, 81 megapixels
    assert cli.main(["detect", str(big), "--model", str(model_file), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "huge.png: 9000x9000 pixels, more than" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_detect_help_shows_the_defaults(capsys):
    with pytest.raises(SystemExit):
        cli.main(["detect", "--help"])
    text = capsys.readouterr().out
    assert "(default: 10)" in text and "(default: improved-cnn)" in text


def test_every_zero_is_refused_by_the_parser(tmp_path, astronaut, model_file, capsys):
    with pytest.raises(SystemExit) as code:
        cli.main(["detect", str(astronaut), "--model", str(model_file), "--every", "0"])
    assert code.value.code == 2 and "must be 1 or more" in capsys.readouterr().err
