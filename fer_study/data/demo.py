"""Synthetic 48x48 greyscale "faces" whose geometry follows the expression, written in the Kaggle layout.

The demo data lets the whole study and its tests run anywhere without FER2013. It is *not* FER2013:
every output made from it says so. Each class has a typical geometry (mouth curve and opening,
brow height and tilt, eye opening) and every face draws its geometry around that type with noise,
plus jitter of pose, scale, lighting and pixel noise, so a CNN learns it well above chance but not
perfectly.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from fer_study.core import atomic
from fer_study.core.labels import CLASSES, IMAGE_SIZE, SPLITS
from fer_study.data.integrity import KNOWN_COUNTS

DEMO_LABEL = "demo data, not FER2013"
DEMO_SEED = 2013
DEMO_SCALE = 25  # one demo image for every 25 FER2013 images, per split and class
# The sha256 of the zip `write_demo_zip` makes (deterministic; tests/test_run_keys pins the same
# bytes through every demo run key). The data is known as the demo by its bytes, not its file name:
# the demo zip copied under another name was labelled "FER2013" (issue 36).
DEMO_SHA256 = "0a27b19fcda66efbf259e9c5796782860938169d8134253c28a0b3bd85efce19"

# Per class: eye opening, brow raise, brow tilt (inner end down > 0), mouth curve (smile > 0),
# mouth opening, mouth width, mouth asymmetry. Units are fractions of the face half-height.
_TYPES = {
    "angry": (0.60, -0.06, 0.14, -0.06, 0.00, 0.30, 0.00),
    "disgust": (0.55, -0.04, 0.08, -0.08, 0.02, 0.30, 0.10),
    "fear": (1.35, 0.10, -0.10, -0.04, 0.12, 0.42, 0.00),
    "happy": (0.75, 0.02, 0.00, 0.20, 0.05, 0.44, 0.00),
    "neutral": (1.00, 0.00, 0.00, 0.00, 0.00, 0.34, 0.00),
    "sad": (0.80, 0.03, -0.12, -0.16, 0.00, 0.32, 0.00),
    "surprise": (1.45, 0.14, 0.00, 0.00, 0.22, 0.24, 0.00),
}
# Per-face spread of each geometry value around its class type: wide enough to overlap classes.
_SPREAD = np.array([0.22, 0.05, 0.06, 0.07, 0.05, 0.06, 0.05])


def demo_counts(scale: int = DEMO_SCALE) -> dict[str, dict[str, int]]:
    """FER2013's split-by-class counts divided by `scale` (at least 3 per cell)."""
    return {s: {c: max(3, round(KNOWN_COUNTS[s][c] / scale)) for c in CLASSES} for s in SPLITS}


def render_face(rng: np.random.Generator, cls: str) -> np.ndarray:
    """One 48x48 uint8 face of class `cls`, drawn from the class type with jitter."""
    eye, brow_raise, brow_tilt, curve, mouth_open, mouth_w, asym = np.array(_TYPES[cls]) + rng.normal(0, 1, 7) * _SPREAD
    eye = max(eye, 0.15)
    mouth_open = max(mouth_open, 0.0)
    mouth_w = max(mouth_w, 0.15)
    if rng.random() < 0.5:
        asym = -asym

    # Pose and scale: map pixel grid to face-local coordinates (face half-height = 1).
    n = IMAGE_SIZE
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float64)
    cx, cy = n / 2 + rng.normal(0, 1.8, 2)
    scale = n * 0.40 * rng.uniform(0.85, 1.12)
    theta = rng.normal(0, 0.12)
    x0, y0 = (xx - cx) / scale, (yy - cy) / scale
    u = np.cos(theta) * x0 + np.sin(theta) * y0
    v = -np.sin(theta) * x0 + np.cos(theta) * y0

    def soft(d: np.ndarray, width: float = 0.05) -> np.ndarray:
        return 1 / (1 + np.exp(np.clip(d / width, -50, 50)))

    skin = rng.uniform(0.55, 0.8)
    background = rng.uniform(0.1, 0.45)
    img = background + (skin - background) * soft((u / 0.78) ** 2 + (v / 1.0) ** 2 - 1, 0.08)
    dark = rng.uniform(0.05, 0.25)

    # Eyes: ellipses whose height is the eye opening.
    for side in (-1, 1):
        d = ((u - side * 0.32) / 0.14) ** 2 + ((v + 0.22) / (0.08 * eye)) ** 2 - 1
        img = img + (dark - img) * soft(d, 0.25)
    # Brows: segments from inner to outer end; a positive tilt lowers the inner end (a frown).
    by = -0.42 - brow_raise
    for side in (-1, 1):
        ax, ay, bx, bb = side * 0.12, by + brow_tilt, side * 0.48, by - brow_tilt * 0.3
        t = np.clip(((u - ax) * (bx - ax) + (v - ay) * (bb - ay)) / ((bx - ax) ** 2 + (bb - ay) ** 2), 0, 1)
        dist = np.hypot(u - (ax + t * (bx - ax)), v - (ay + t * (bb - ay)))
        img = img + (dark - img) * soft(dist - 0.045, 0.02)
    # Mouth: a curve whose corners rise with `curve`, opened in the middle by `mouth_open`.
    r = np.clip(u / mouth_w, -1.5, 1.5)
    centre = 0.5 - curve * r**2 + asym * r
    half = 0.035 + mouth_open * np.sqrt(np.clip(1 - r**2, 0, 1))
    inside = np.maximum(np.abs(v - centre) - half, (np.abs(u) - mouth_w) * 2)
    img = img + (dark * 0.7 - img) * soft(inside, 0.02)
    # Nose shadow, a fixed landmark.
    img = img - 0.08 * soft(np.hypot(u, (v - 0.15) * 2) - 0.08, 0.03)

    # Lighting: a random gradient and contrast, then sensor noise.
    gx, gy = rng.normal(0, 0.12, 2)
    img = img * rng.uniform(0.75, 1.2) + gx * x0 + gy * y0 + rng.normal(0, 0.035, img.shape)
    return (np.clip(img, 0, 1) * 255).round().astype(np.uint8)


def write_demo_zip(path: Path, seed: int = DEMO_SEED, scale: int = DEMO_SCALE) -> Path:
    """Write a demo FER2013 in the Kaggle msambare/fer2013 zip layout; same seed, same bytes."""
    rng = np.random.default_rng(seed)
    counts = demo_counts(scale)
    path = Path(path)

    def write(tmp: Path) -> None:
        serial = 0
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            for split in SPLITS:
                folder = "train" if split == "Training" else "test"
                for cls in CLASSES:
                    for _ in range(counts[split][cls]):
                        serial += 1
                        buf = io.BytesIO()
                        Image.fromarray(render_face(rng, cls), mode="L").save(buf, format="JPEG", quality=95)
                        name = f"{folder}/{cls}/{split}_{serial:08d}.jpg"
                        zf.writestr(zipfile.ZipInfo(name, date_time=(2013, 1, 1, 0, 0, 0)), buf.getvalue())

    # A temporary name of its own (two first uses at once each write theirs; the loser's rename
    # replaces identical bytes), removed on failure; a full disk is one line naming the path.
    return atomic.write_with(path, write, suffix=".zip")
