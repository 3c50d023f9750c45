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
