"""Count checks and duplicate detection."""

import numpy as np

from fer_study.core.labels import CLASSES, SPLITS
from fer_study.data.demo import render_face
from fer_study.data.integrity import KNOWN_COUNTS, count_differences, count_table, duplicates


def test_known_counts_add_up_to_fer2013():
    # 35,887 images: 28,709 Training, 3,589 PublicTest, 3,589 PrivateTest (shared/data/README.md).
    totals = {s: sum(KNOWN_COUNTS[s].values()) for s in SPLITS}
    assert totals == {"Training": 28709, "PublicTest": 3589, "PrivateTest": 3589}


def test_count_differences_report_every_changed_cell():
    counts = {s: dict(KNOWN_COUNTS[s]) for s in SPLITS}
    assert count_differences(counts) == []
    counts["PublicTest"]["sad"] -= 2
    assert count_differences(counts) == [
        {"split": "PublicTest", "class": "sad", "expected": 653, "found": 651, "difference": -2}
    ]


def test_count_table_includes_zero_cells():
    t = count_table(np.array([0, 0, 6], np.int8), np.array([0, 2, 2], np.int8))
    assert t["Training"]["angry"] == 1 and t["PrivateTest"]["surprise"] == 1
    assert t["PublicTest"] == {c: 0 for c in CLASSES}


def test_exact_and_near_duplicates_within_and_across_splits():
    rng = np.random.default_rng(1)
    faces = [render_face(rng, c) for c in ("happy", "sad", "angry", "fear", "surprise")]
    brighter = np.clip(faces[1].astype(int) + 12, 0, 255).astype(np.uint8)  # a near copy of face 1
    images = np.stack(faces + [faces[0], brighter, faces[2]])
    splits = np.array([0, 0, 0, 0, 0, 1, 2, 0], np.int8)
    r = duplicates(images, splits)
    assert r["exact"]["groups"] == 2  # face 0 in Training+PublicTest, face 2 twice in Training
    assert r["exact"]["groups_across_splits"]["Training+PublicTest"] == 1
    assert r["exact"]["groups_within_split"]["Training"] == 1
    assert r["near"]["groups"] == 1 and sorted(r["near"]["members"][0]) == [1, 6]
    assert r["near"]["groups_across_splits"]["Training+PrivateTest"] == 1


def test_distinct_faces_are_not_duplicates():
    rng = np.random.default_rng(2)
    images = np.stack([render_face(rng, CLASSES[i % 7]) for i in range(60)])
    r = duplicates(images, np.zeros(60, np.int8))
    assert r["exact"]["groups"] == 0 and r["near"]["groups"] == 0
