"""The detection step (notebook 08) in words."""

from __future__ import annotations


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
        labels = [f["label"] for f in results[(photo, model)]["faces"]]
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
