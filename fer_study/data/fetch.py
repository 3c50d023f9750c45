"""Download FER2013 (Kaggle msambare/fer2013) with kagglehub into the project's default data folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from fer_study.core.paths import default_data_dir

KAGGLE_DATASET = "msambare/fer2013"


class FetchError(RuntimeError):
    """The download could not be made; the message says what to do instead."""


def fetch(target: Path | None = None, force: bool = False) -> Path:
    """Download the dataset and copy its train/ and test/ folders to `target` (default folder)."""
    target = Path(target) if target else default_data_dir()
    if target.exists() and any(target.iterdir()) and not force:
        return target
    try:
        import kagglehub

        downloaded = Path(kagglehub.dataset_download(KAGGLE_DATASET))
    except Exception as err:  # kagglehub raises many types (network, auth, HTTP): all mean "no download"
        raise FetchError(
            f"could not download {KAGGLE_DATASET} with kagglehub ({type(err).__name__}: {err}). "
            "Without network access to Kaggle (or without Kaggle credentials), download the dataset "
            "by hand and point --data or FER2013_PATH at the zip or the unzipped folder."
        ) from err
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(downloaded, tmp)
    shutil.rmtree(target, ignore_errors=True)
    tmp.replace(target)
    return target
