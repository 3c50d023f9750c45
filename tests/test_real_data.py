"""On the real FER2013 (when FER2013_PATH points at it): the zip, its unzipped folder and a
fer2013.csv made from the same images give the same counts and the same arrays."""

import csv
import zipfile

import numpy as np
import pytest
from conftest import needs_fer2013, real_fer2013

from fer_study.core.labels import CLASS_TO_CSV_CODE, CLASSES, SPLITS
from fer_study.data import load
from fer_study.data.integrity import KNOWN_COUNTS

# Reads the whole FER2013 copy: left out of the fast tier (pytest -m 'not slow').
pytestmark = [pytest.mark.slow, needs_fer2013]


@pytest.fixture(scope="module")
def from_zip():
    return load(real_fer2013(), verbose=False)


def test_zip_counts_are_the_published_ones(from_zip):
    assert from_zip.counts() == KNOWN_COUNTS and from_zip.format == "zip"


def test_unzipped_folder_gives_the_same_arrays(from_zip, tmp_path):
    with zipfile.ZipFile(real_fer2013()) as zf:
        zf.extractall(tmp_path / "fer2013")
    d = load(tmp_path / "fer2013", verbose=False)
    assert d.format == "folder" and d.counts() == KNOWN_COUNTS
    assert np.array_equal(d.images, from_zip.images)
    assert np.array_equal(d.labels, from_zip.labels) and np.array_equal(d.splits, from_zip.splits)


def test_csv_made_from_the_same_images_gives_the_same_arrays(from_zip, tmp_path):
    path = tmp_path / "fer2013.csv"
    order = np.random.default_rng(0).permutation(len(from_zip))  # row order must not matter
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["emotion", "pixels", "Usage"])
        for i in order:
            w.writerow(
                [
                    CLASS_TO_CSV_CODE[CLASSES[from_zip.labels[i]]],
                    " ".join(map(str, from_zip.images[i].ravel().tolist())),
                    SPLITS[from_zip.splits[i]],
                ]
            )
    d = load(path, verbose=False)
    assert d.format == "csv" and d.counts() == KNOWN_COUNTS
    assert np.array_equal(d.images, from_zip.images)
    assert np.array_equal(d.labels, from_zip.labels) and np.array_equal(d.splits, from_zip.splits)
