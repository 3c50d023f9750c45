"""The data layer: every accepted format gives the same arrays; every bad input a specific error."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
from conftest import encode, make_images, write_csv, write_folder, write_zip
from PIL import Image

from fer_study.core.labels import CLASS_INDEX, CLASSES, SPLITS
from fer_study.data import DataError, load
from fer_study.data import dataset as dataset_mod


def expected_counts(items):
    out = {s: {c: 0 for c in CLASSES} for s in SPLITS}
    for split, cls, _, _ in items:
        out[split][cls] += 1
    return out


def same_arrays(a, b):
    return (
        np.array_equal(a.images, b.images) and np.array_equal(a.labels, b.labels) and np.array_equal(a.splits, b.splits)
    )


def test_every_format_gives_the_same_arrays(tmp_path, items, small_zip):
    sources = {
        "zip": small_zip,
        "nested zip": write_zip(tmp_path / "nested.zip", items, prefix="archive/fer2013/"),
        "folder": write_folder(tmp_path / "folder", items),
        "folder, upper-case classes": write_folder(tmp_path / "upper", items, class_case=str.upper),
        "nested folder": write_folder(tmp_path / "outer" / "fer2013", items).parent,
        "fer2013.csv": write_csv(tmp_path / "fer2013.csv", items),
        "icml_face_data.csv": write_csv(tmp_path / "icml_face_data.csv", items, icml=True),
    }
    loaded = {name: load(path, verbose=False) for name, path in sources.items()}
    reference = loaded["zip"]
    assert reference.counts() == expected_counts(items)
    for name, d in loaded.items():
        assert d.counts() == expected_counts(items), name
        assert same_arrays(d, reference), name
    assert loaded["fer2013.csv"].format == "csv" and loaded["folder"].format == "folder"


def test_pixels_and_labels_are_the_ones_written(small_zip, items):
    d = load(small_zip, verbose=False)
    for split, cls, _, pixels in items:
        hits = np.flatnonzero((d.images == pixels).all(axis=(1, 2)))
        assert len(hits) >= 1
        assert d.labels[hits[0]] == CLASS_INDEX[cls]
        assert SPLITS[d.splits[hits[0]]] == split


def test_csv_emotion_codes_are_not_alphabetical(tmp_path):
    # The trap: code 4 is sad and 6 is neutral, while alphabetically index 4 is neutral and 6 surprise.
    img = np.full((48, 48), 100, np.uint8)
    path = tmp_path / "fer2013.csv"
    rows = ["emotion,pixels,Usage"] + [f"{code},{' '.join(['100'] * 2304)},Training" for code in (4, 6, 5)]
    path.write_text("\n".join(rows) + "\n")
    d = load(path, verbose=False)
    assert d.counts()["Training"] == {
        "angry": 0,
        "disgust": 0,
        "fear": 0,
        "happy": 0,
        "neutral": 1,
        "sad": 1,
        "surprise": 1,
    }
    assert np.array_equal(d.images[0], img)


def test_split_comes_from_the_file_name_prefix(tmp_path):
    items = make_images(per_cell=1)
    d = load(write_zip(tmp_path / "a.zip", items), verbose=False)
    assert {s: sum(v.values()) for s, v in d.counts().items()} == {s: 7 for s in SPLITS}


def test_second_load_uses_the_cache(small_zip, monkeypatch):
    first = load(small_zip, verbose=False)

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded again although the cache holds this source")

    monkeypatch.setattr(dataset_mod, "read_source", no_decoding)
    second = load(small_zip, verbose=False)
    assert same_arrays(first, second) and second.sha256 == first.sha256


def test_a_changed_source_is_decoded_again(tmp_path, items):
    path = write_zip(tmp_path / "x.zip", items)
    a = load(path, verbose=False)
    write_zip(path, items[:-1])
    b = load(path, verbose=False)
    assert a.sha256 != b.sha256 and len(b) == len(a) - 1


def test_sha256_is_the_file_checksum(small_zip):
    import hashlib

    assert load(small_zip, verbose=False).sha256 == hashlib.sha256(small_zip.read_bytes()).hexdigest()


# ---------------------------------------------------------------- bad input


def _zip_with(tmp_path, extra: dict[str, bytes], items=None):
    path = write_zip(tmp_path / "bad.zip", items or make_images(per_cell=1))
    with zipfile.ZipFile(path, "a") as zf:
        for name, data in extra.items():
            if name.endswith("/"):
                zf.writestr(zipfile.ZipInfo(name), b"")
            else:
                zf.writestr(name, data)
    return path


def _rgb_png():
    import io

    buf = io.BytesIO()
    Image.new("RGB", (48, 48), (10, 20, 30)).save(buf, format="PNG")
    return buf.getvalue()


BAD_ZIP_CASES = {
    "truncated": (
        "train/happy/Training_99999999.png",
        encode(np.zeros((48, 48), np.uint8))[:40],
        "truncated or unreadable",
    ),
    "not 48x48": ("train/happy/Training_99999999.png", encode(np.zeros((40, 48), np.uint8)), "48x40, not 48x48"),
    "not greyscale": ("train/happy/Training_99999999.png", _rgb_png(), "not greyscale (mode RGB)"),
    "stray file": ("train/happy/notes.txt", b"hello", "stray non-image file"),
    "unknown class folder": ("test/Disgust_old/", b"", "unknown class folder 'Disgust_old'"),
    "no split prefix": (
        "train/happy/img_1.png",
        encode(np.zeros((48, 48), np.uint8)),
        "no Training_/PublicTest_/PrivateTest_ prefix",
    ),
    "split/folder mismatch": (
        "train/happy/PublicTest_1.png",
        encode(np.zeros((48, 48), np.uint8)),
        "official split and folder disagree",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ZIP_CASES))
def test_bad_zip_entries_name_the_file_and_problem(tmp_path, case):
    name, data, problem = BAD_ZIP_CASES[case]
    path = _zip_with(tmp_path, {name: data})
    with pytest.raises(DataError) as err:
        load(path, verbose=False)
    assert name.rstrip("/") in str(err.value) and problem in str(err.value)


@pytest.mark.parametrize("case", sorted(BAD_ZIP_CASES))
def test_skip_bad_skips_and_counts(tmp_path, case):
    name, data, problem = BAD_ZIP_CASES[case]
    items = make_images(per_cell=1)
    d = load(_zip_with(tmp_path, {name: data}, items), skip_bad=True, verbose=False)
    assert len(d) == len(items)
    assert len(d.skipped) == 1 and problem in d.skipped[0][1]


def test_empty_class_folder_in_a_folder_source(tmp_path, items):
    root = write_folder(tmp_path / "f", items)
    for p in (root / "train" / "surprise").iterdir():
        p.unlink()
    with pytest.raises(DataError, match=r"train/surprise/?: empty class folder"):
        load(root, verbose=False)
    d = load(root, skip_bad=True, verbose=False)
    assert d.counts()["Training"]["surprise"] == 0 and len(d.skipped) == 1


def test_empty_class_folder_in_a_zip(tmp_path):
    items = [i for i in make_images(per_cell=1) if not (i[0] != "Training" and i[1] == "disgust")]
    path = _zip_with(tmp_path, {"test/disgust/": b""}, items)
    with pytest.raises(DataError, match=r"bad.zip:test/disgust/: empty class folder"):
        load(path, verbose=False)


def test_missing_path(tmp_path):
    with pytest.raises(DataError, match="nothing.zip: no such file or folder"):
        load(tmp_path / "nothing.zip", verbose=False)


def test_unknown_format(tmp_path):
    p = tmp_path / "fer2013.parquet"
    p.write_bytes(b"PAR1....")
    with pytest.raises(DataError, match="fer2013.parquet: unknown format"):
        load(p, verbose=False)


def test_zip_without_the_kaggle_layout(tmp_path):
    p = tmp_path / "other.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("images/a.png", b"x")
    with pytest.raises(DataError, match="no folder holding both train/ and test/"):
        load(p, verbose=False)


CSV_CASES = {
    "wrong pixel count": ("3," + " ".join(["1"] * 2303) + ",Training", "line 3: row has 2303 pixels, expected 2304"),
    "unknown emotion": ("7," + " ".join(["1"] * 2304) + ",Training", "line 3: unknown emotion code '7'"),
    "unknown usage": ("3," + " ".join(["1"] * 2304) + ",Validation", "line 3: unknown Usage 'Validation'"),
    "pixel out of range": ("3," + " ".join(["300"] * 2304) + ",Training", "line 3: pixel value outside 0..255"),
    "non-integer pixel": ("3," + " ".join(["x"] * 2304) + ",Training", "line 3: pixels contain a non-integer value"),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_bad_csv_rows_name_the_line(tmp_path, case):
    row, message = CSV_CASES[case]
    p = tmp_path / "fer2013.csv"
    good = "0," + " ".join(["5"] * 2304) + ",Training"
    p.write_text(f"emotion,pixels,Usage\n{good}\n{row}\n{good}\n")
    with pytest.raises(DataError) as err:
        load(p, verbose=False)
    assert str(p) in str(err.value) and message in str(err.value)
    d = load(p, skip_bad=True, verbose=False)
    assert len(d) == 2 and len(d.skipped) == 1


def test_csv_with_a_wrong_header(tmp_path):
    p = tmp_path / "fer2013.csv"
    p.write_text("label,image\n0,1 2 3\n")
    with pytest.raises(DataError, match=r"line 1: CSV header .* lacks"):
        load(p, verbose=False)


def test_resolution_order(tmp_path, monkeypatch, small_zip, isolated_home):
    from fer_study.data import resolve_path

    assert resolve_path(None) == (dataset_mod.demo_path(), True)  # nothing configured: demo
    (isolated_home / "fer2013").mkdir()
    (isolated_home / "fer2013" / "train").mkdir()
    assert resolve_path(None) == (isolated_home / "fer2013", False)  # the default folder
    monkeypatch.setenv("FER2013_PATH", str(small_zip))
    assert resolve_path(None) == (small_zip, False)  # the variable beats the default
    assert resolve_path(tmp_path / "x.zip") == (tmp_path / "x.zip", False)  # --data beats both
    monkeypatch.setenv("FER2013_PATH", "demo")
    assert resolve_path(None)[1] is True
