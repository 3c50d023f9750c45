"""Fault injection, round 3: inputs that cost gigabytes or crashed with a traceback are refused in
one line naming the file (reliability issue, items 14, 16, 17). Generated data only."""

import csv
import io
import resource
import zipfile

import pytest
from conftest import make_images, write_zip
from PIL import Image

from fer_study.data import DataError, load
from fer_study.data import demo as demo_mod


@pytest.mark.slow
def test_a_zip_bomb_member_is_refused_by_its_declared_size_before_it_is_inflated(tmp_path):
    path = write_zip(tmp_path / "fer2013.zip", make_images())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("train/angry/Training_99999999.png", "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(256):  # 256 MiB of zeros, a few hundred KB compressed
                fh.write(block)
    assert path.stat().st_size < 2 << 20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(DataError, match=r"Training_99999999.png.*declares 268,435,456 bytes uncompressed"):
        load(path, verbose=False)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, grown_mb  # the member was never inflated


def test_an_oversized_image_is_refused_from_its_header_before_decoding(tmp_path):
    items = make_images()
    path = write_zip(tmp_path / "fer2013.zip", items)
    big = io.BytesIO()
    Image.new("L", (9000, 9000)).save(big, format="PNG")  # about 80 KB, 81 MB decoded
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("train/happy/Training_88888888.png", big.getvalue())
    with pytest.raises(DataError, match=r"Training_88888888.png.*9000x9000, not 48x48"):
        load(path, verbose=False)


def _csv(path, rows):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["emotion", "pixels", "Usage"])
        w.writerows(rows)
    return path


def _row():
    return [3, " ".join(["7"] * 48 * 48), "Training"]


def test_a_csv_line_longer_than_a_field_may_be_is_one_line_naming_it(tmp_path):
    path = _csv(tmp_path / "fer2013.csv", [_row(), [3, "1 " * 5_000_000, "Training"]])
    with pytest.raises(DataError, match=r"fer2013.csv:line 3: not a FER2013 row \(field larger than field limit"):
        load(path, verbose=False)


def test_a_csv_that_is_not_utf8_is_one_line_naming_the_file_and_line(tmp_path):
    path = _csv(tmp_path / "fer2013.csv", [_row(), _row()])
    data = path.read_bytes().replace(b"Training", b"Tr\xe4ining", 1)
    path.write_bytes(data)
    with pytest.raises(DataError, match=r"fer2013.csv:line \d+: not UTF-8 text \(byte 0xe4\)"):
        load(path, verbose=False)


def test_two_first_uses_of_the_demo_data_at_once_both_succeed(tmp_path):
    """Round 3: the demo zip was written through one fixed temporary name; two first uses at once
    failed (3 of 3 trials)."""
    import threading

    target = tmp_path / "demo.zip"
    errors, done = [], []

    def make():
        try:
            done.append(demo_mod.write_demo_zip(target, scale=200))
        except Exception as err:  # noqa: BLE001 - any failure is the finding
            errors.append(err)

    threads = [threading.Thread(target=make) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(done) == 3
    assert zipfile.ZipFile(target).testzip() is None
    assert not [p for p in tmp_path.iterdir() if p.name != "demo.zip"]  # no temporary file left


def test_a_full_disk_while_writing_the_demo_data_is_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    import errno

    from fer_study.core.atomic import OutputError

    real = zipfile.ZipFile.writestr

    def full(self, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    with pytest.raises(OutputError, match=r"demo.zip: no space left on the device"):
        demo_mod.write_demo_zip(tmp_path / "demo.zip", scale=200)
    monkeypatch.setattr(zipfile.ZipFile, "writestr", real)
    assert list(tmp_path.iterdir()) == []


def test_the_demo_data_keeps_its_bytes():
    import hashlib

    from fer_study.data.demo import DEMO_SCALE, DEMO_SEED

    # Same seed, same bytes: the committed notebooks' outputs rest on them.
    path = demo_mod.write_demo_zip(__import__("pathlib").Path(__import__("tempfile").mkdtemp()) / "d.zip")
    assert DEMO_SEED == 2013 and DEMO_SCALE == 25
    assert hashlib.sha256(path.read_bytes()).hexdigest()[:12] == "0a27b19fcda6"


def test_a_cache_copied_under_another_sources_checksum_is_rebuilt(tmp_path, capsys, monkeypatch):
    """Round 3: a decoded-array cache copied under another source's name loaded that source's
    images; the cache now records the source it came from."""
    import shutil

    from conftest import write_zip

    from fer_study.data import cache

    monkeypatch.setenv("FER_STUDY_HOME", str(tmp_path / "home"))
    items = make_images()
    a = load(write_zip(tmp_path / "a.zip", items), verbose=False)
    b_path = write_zip(tmp_path / "b.zip", make_images(seed=1))
    b_sha = cache.source_sha256(b_path)
    shutil.copy(cache._cache_file(a.sha256, False), cache._cache_file(b_sha, False))  # a's arrays under b's name
    capsys.readouterr()
    b = load(b_path, verbose=False)
    assert "made from another source" in capsys.readouterr().err
    assert not __import__("numpy").array_equal(b.images, a.images)


@pytest.mark.slow
def test_a_tampered_checkpoint_is_refused_not_resumed(tmp_path):
    import json

    import numpy as np
    from test_store import ARCH, arrays

    from fer_study.nn import architectures
    from fer_study.nn import fit as fit_mod

    images, labels = arrays()
    ckpt = tmp_path / "c.npz"
    build = lambda: architectures.build(ARCH[0], 7, **ARCH[1])  # noqa: E731
    s = fit_mod.FitSettings(epochs=1, batch_size=16, learning_rate=1e-3)
    fit_mod.fit(build, images, labels, None, None, s, checkpoint=ckpt)
    with np.load(ckpt) as z:
        parts = {k: z[k] for k in z.files}
    parts["v0"] = parts["v0"] + 1.0  # a weight changed, the file still well-formed
    np.savez(ckpt, **parts)
    longer = fit_mod.FitSettings(epochs=1, batch_size=16, learning_rate=1e-3)
    with pytest.raises(fit_mod.CheckpointError, match=r"c.npz: its arrays differ from the checksum"):
        fit_mod.fit(build, images, labels, None, None, longer, checkpoint=ckpt)
    assert json.loads(str(parts["meta"]))["sha256"]
