"""Fault injection, round 4, on the models `detect` and notebook 08 serve (reliability issue 36,
items 3, 4, 11 and 15's model indexes): a model is checked like a prediction, against its entry's
seal; an index is read before it is trusted; each fault is one line naming the file, exit status 2."""

import json
import shutil

import numpy as np
import pytest
from PIL import Image
from test_store import arrays, request

from fer_study import cli
from fer_study.nn import saved_models
from fer_study.nn.fit import FitSettings
from fer_study.nn.store import RunStore, StoreError

# Trains models, runs notebooks or spawns processes: left out of the fast tier (pytest -m 'not slow').
pytestmark = pytest.mark.slow

SEVEN = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A results folder with two stored runs that keep their models (different seeds, so different
    weights) and a model index naming the first."""
    root = tmp_path_factory.mktemp("results") / "cpu"
    images, labels = arrays()
    store = RunStore(root / "runs", log=lambda m: None)
    first = store.run(request(keep_model=True), images, labels)
    second = store.run(
        request(keep_model=True, fit=FitSettings(epochs=1, batch_size=16, learning_rate=1e-3, seed=1)), images, labels
    )
    saved_models.save(first.model_file, "m", SEVEN, root / "models", {"notebook": "test", "run_key": first.key})
    return root, first, second


@pytest.fixture
def copy(results, tmp_path):
    """A private copy of the results folder, so each test may damage it."""
    root, first, second = results
    dst = tmp_path / "cpu"
    shutil.copytree(root, dst)
    return dst, first.key, second.key


def _index(root):
    return root / "models" / "m.json"


def _rewrite(root, **change):
    meta = json.loads(_index(root).read_text())
    meta.update(change)
    _index(root).write_text(json.dumps(meta))


def _detect(root, capsys, tmp_path):
    photo = tmp_path / "grey.png"
    Image.fromarray(np.full((64, 64), 128, np.uint8)).save(photo)
    code = cli.main(["detect", str(photo), "--model", str(_index(root)), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    return code, err


def test_the_indexed_model_loads_through_its_sealed_entry(copy):
    root, key, _ = copy
    model, meta = saved_models.load(str(_index(root)))
    assert model.output_shape == (None, 7) and meta["file"].endswith(f"runs/{key}/model.keras")


def test_a_model_copied_from_another_entry_is_refused_naming_the_file(copy, capsys, tmp_path):
    root, key, other = copy
    shutil.copy(root / "runs" / other / "model.keras", root / "runs" / key / "model.keras")
    with pytest.raises(StoreError, match=rf"{key}/model.keras: differs from the checksum"):
        saved_models.load(str(_index(root)))
    code, err = _detect(root, capsys, tmp_path)
    assert code == 2 and "model.keras: differs from the checksum" in err and "\n" not in err
    assert not (tmp_path / "out").exists()  # refused before anything was written


@pytest.mark.parametrize("key", ["../..", "/etc", "../runs/x", "ABC"])
def test_a_run_key_that_is_a_path_is_refused(copy, capsys, tmp_path, key):
    root, _, _ = copy
    _rewrite(root, run_key=key)
    code, err = _detect(root, capsys, tmp_path)
    assert code == 2 and f"run_key {key!r} is not a run key" in err and "\n" not in err


def test_an_index_naming_fewer_classes_than_the_model_predicts_is_refused(copy, capsys, tmp_path):
    root, _, _ = copy
    _rewrite(root, classes=["angry", "happy"])
    code, err = _detect(root, capsys, tmp_path)
    assert code == 2 and "m.json: names 2 classes (angry, happy) but model.keras predicts 7" in err


@pytest.mark.parametrize(
    "text, problem",
    [
        ("{not json", "not a readable model index (JSONDecodeError)"),
        ("[1, 2]", "a model index is a JSON object, this is a list"),
        ('{"weights": "run store"}', "'classes' must list two or more distinct class names"),
        ('{"classes": ["a", "a", "b"]}', "'classes' must list two or more distinct class names"),
        ('{"classes": ["a", "b"], "weights": "/etc/passwd.keras"}', "must be a .keras file name beside the index"),
        ("[" * 100_000 + "]" * 100_000, "not a readable model index (RecursionError)"),
    ],
    ids=["not-json", "list", "no-classes", "repeated-class", "weights-path", "nesting-bomb"],
)
def test_a_malformed_index_is_one_line(copy, capsys, tmp_path, text, problem):
    root, _, _ = copy
    _index(root).write_text(text)
    code, err = _detect(root, capsys, tmp_path)
    assert code == 2 and problem in err and "m.json" in err and "\n" not in err


def test_two_inputs_of_one_file_name_get_two_annotated_images(copy, capsys, tmp_path):
    """Item 11: a/face.png and b/face.png were both written to out/face_annotated.png."""
    root, _, _ = copy
    for sub, value in (("a", 60), ("b", 200)):
        (tmp_path / sub).mkdir()
        Image.fromarray(np.full((64, 64), value, np.uint8)).save(tmp_path / sub / "face.png")
    out = tmp_path / "out"
    args = ["detect", str(tmp_path / "a" / "face.png"), str(tmp_path / "b" / "face.png"), "--model", str(_index(root))]
    assert cli.main([*args, "--out", str(out)]) == cli.NO_FACE
    written = sorted(p.name for p in out.glob("*.png"))
    assert written == ["face_2_annotated.png", "face_annotated.png"], written
    a, b = (np.asarray(Image.open(out / n)) for n in ("face_annotated.png", "face_2_annotated.png"))
    assert a.mean() < b.mean()  # each input's own picture


def test_a_long_video_is_streamed_not_held(copy, tmp_path, capsys):
    """Item 18: detect held every annotated frame until the end (600 frames of 720p: 3 GB). They
    now wait on disk, one file each; memory stays flat however long the video."""
    import resource

    import cv2

    root, _, _ = copy
    video = tmp_path / "long.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 25, (1280, 720))
    frame = np.full((720, 1280, 3), 90, np.uint8)
    for i in range(150):
        frame[:, :, 0] = i  # every frame differs
        writer.write(frame)
    writer.release()
    out = tmp_path / "out"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code = cli.main(["detect", str(video), "--model", str(_index(root)), "--every", "1", "--out", str(out)])
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert code == cli.NO_FACE and len(list(out.glob("*_annotated.png"))) == 150
    assert grown_mb < 250, grown_mb  # 150 annotated 720p frames held in memory are about 400 MB
