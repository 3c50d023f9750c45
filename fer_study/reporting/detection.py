"""The detection step (notebook 08) in words and tables, from what experiments/detection.py found."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def faces_found(results: Mapping, photos: list, model: str) -> dict[str, int]:
    """Faces found per photo, by `model`'s run (every model sees the same detector's boxes)."""
    return {photo: len(results[(photo, model)].faces) for photo in photos}


def crops_and_labels(results: Mapping, photos: list, models: list, first: str) -> tuple[list, list[list[str]]]:
    """Every crop (from `first`'s run) and, per crop, each model's label and probability."""
    crops = [c for photo in photos for c in results[(photo, first)].crops]
    labels = [
        [f"{results[(photo, n)].faces[i].label} {results[(photo, n)].faces[i].probability:.2f}" for n in models]
        for photo in photos
        for i in range(len(results[(photo, first)].faces))
    ]
    return crops, labels


def predictions_table(results: Mapping) -> pd.DataFrame:
    """Every face and model: the predicted class, its probability and every class's."""
    return pd.DataFrame(
        [
            {
                "photo": photo,
                "face": i,
                "model": name,
                "label": f.label,
                "probability": round(f.probability, 3),
                **{f"p({c})": round(p, 3) for c, p in f.probabilities.items()},
            }
            for (photo, name), r in results.items()
            for i, f in enumerate(r.faces)
        ]
    )


def fps_table(speeds: list[dict], frame: np.ndarray) -> pd.DataFrame:
    """experiments.detection.speeds as a table, with the frame size they were measured on."""
    fps = pd.DataFrame(speeds).rename(
        columns={"fps": "pipeline fps", "detect_ms": "detect ms", "classify_ms": "classify ms"}
    )
    height, width = frame.shape[:2]
    fps.insert(2, "frame size", f"{width}x{height} {'RGB' if frame.ndim == 3 else 'grey'}")
    return fps


def interpret(faces: dict, models: list) -> str:
    """Notebook 08's outcome in words: what was found, and what it cannot show."""
    found = ", ".join(f"{n} face(s) in {photo}" for photo, n in faces.items())
    return (
        f"**What this shows.** The detector found {found}; the models ({', '.join(models)}) classified each crop. "
        "The pipeline's speed on the machine that ran it is in `run.json` (`timings`), not here: it depends on that "
        "machine and its load. These photos carry no expression labels, so this shows behaviour, not accuracy; "
        "paper A's live-camera step is reproduced as a pipeline, not as a number."
    )


# --- One sentence after each table and figure, rendered from what it shows -------------------------------


def detections_text(results: dict, photos: list, model: str) -> str:
    """After the annotated photos: what `model` called each face found."""
    parts = []
    for photo in photos:
        labels = [f.label for f in results[(photo, model)].faces]
        counts = {lab: labels.count(lab) for lab in dict.fromkeys(labels)}
        parts.append(
            f"{photo}: {len(labels)} face(s)"
            + (" (" + ", ".join(f"{n} {lab}" for lab, n in counts.items()) + ")" if labels else "")
        )
    return f"What {model} predicts, by photo: " + "; ".join(parts) + "."


def crops_text(labels: list[list[str]], models: list[str]) -> str:
    """After the crops: on how many faces the models agree (their labels, without probabilities)."""
    if not labels:
        return "No face was found, so there is nothing to compare."
    agree = sum(len({lab.split()[0] for lab in row}) == 1 for row in labels)
    return f"The {len(models)} models give the same label to {agree} of {len(labels)} crops."


def predictions_text(predictions) -> str:
    """After the predictions table: how sure each model is (mean top probability)."""
    if predictions is None or not len(predictions):
        return "No face was found, so no model predicted anything."
    sure = predictions.groupby("model", sort=False)["probability"].mean()
    return (
        "Mean probability of the predicted class: "
        + ", ".join(f"{m} {p:.2f}" for m, p in sure.items())
        + " (with no ground truth, confidence is all these photos can show)."
    )


def fps_text(fps) -> str:
    """After the speed table: the slowest and fastest pipeline, and which step dominates."""
    slow = fps.loc[fps["pipeline fps"].idxmin()]
    fast = fps.loc[fps["pipeline fps"].idxmax()]
    step = "detection" if float(slow["detect ms"]) > float(slow["classify ms"]) else "classification"
    return (
        f"On this machine, under its load at the time: {fast['model']} runs at {fast['pipeline fps']:.1f} frames per "
        f"second, {slow['model']} at {slow['pipeline fps']:.1f}; for the slower one {step} takes most of a frame."
    )
