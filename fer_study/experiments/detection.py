"""Faces in photos and video: a packaged face detector, FER2013-style crops, classification, annotation."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, UnidentifiedImageError

from fer_study.core import schema

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg"}


class MediaError(ValueError):
    """A file that is not a readable image or video (the message names it)."""


@dataclass(frozen=True)
class Box:
    top: int
    left: int
    size: int  # square, as the detector reports and as FER2013's crops are

    def as_dict(self) -> dict:
        return {"top": self.top, "left": self.left, "width": self.size, "height": self.size}


@dataclass(frozen=True)
class Face:
    """One face found: where, and what the model makes of its crop."""

    box: Box
    probabilities: dict[str, float]  # class -> probability
    label: str  # the most probable class
    probability: float

    def as_json(self) -> dict:
        """As detections.jsonl and `fer-study detect --json` write it."""
        return {
            "box": self.box.as_dict(),
            "probabilities": self.probabilities,
            "label": self.label,
            "probability": self.probability,
        }


@dataclass(frozen=True)
class Detected:
    """One image through the pipeline: the faces, their 48x48 crops and the time each step took."""

    source: str
    faces: list[Face]
    crops: list[np.ndarray]
    seconds: dict[str, float]  # detect, classify, total


class Detector:
    """scikit-image's LBP frontal-face cascade (shipped inside the package), on grey images.

    `min_neighbours` 10: with 4, the cascade also fires on two patches of the astronaut photo's suit;
    10 keeps its one face and most of the LFW mosaic's (package photos, no expression labels used)."""

    def __init__(
        self,
        scale_factor: float = 1.2,
        step_ratio: float = 1.0,
        min_size: int = 40,
        max_fraction: float = 0.9,
        min_neighbours: int = 10,
    ):
        from skimage import data, feature

        self.cascade = feature.Cascade(data.lbp_frontal_face_cascade_filename())
        self.scale_factor, self.step_ratio = scale_factor, step_ratio
        self.min_size, self.max_fraction, self.min_neighbours = min_size, max_fraction, min_neighbours

    def __call__(self, grey: np.ndarray) -> list[Box]:
        side = int(min(grey.shape) * self.max_fraction)
        if side < self.min_size:
            return []
        found = self.cascade.detect_multi_scale(
            img=grey,
            scale_factor=self.scale_factor,
            step_ratio=self.step_ratio,
            min_size=(self.min_size, self.min_size),
            max_size=(side, side),
            min_neighbor_number=self.min_neighbours,
        )
        return [Box(int(d["r"]), int(d["c"]), int(max(d["width"], d["height"]))) for d in found]


def to_grey(image: np.ndarray) -> np.ndarray:
    """uint8 grey from grey, RGB or RGBA input (ITU-R 601 luma, as greyscale JPEG conversion does)."""
    img = np.asarray(image)
    if img.ndim == 3:
        img = img[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    if img.dtype != np.uint8:
        img = np.clip(img * (255 if img.max() <= 1.0 else 1), 0, 255)
    return img.astype(np.uint8)


def crop(grey: np.ndarray, box: Box, margin: float = 0.15) -> np.ndarray:
    """The face as FER2013's were made: a square around the detected face (grown by `margin` on each
    side, so the whole face with a little context fills it), grey, resized to 48x48 uint8."""
    from skimage.transform import resize

    grow = int(round(box.size * margin))
    top, left, side = box.top - grow, box.left - grow, box.size + 2 * grow
    padded = np.pad(grey, side, mode="edge")  # a face at the border keeps its square
    square = padded[top + side : top + 2 * side, left + side : left + 2 * side]
    return (resize(square, (48, 48), anti_aliasing=True, preserve_range=True) + 0.5).astype(np.uint8)


# A photo from a phone is 12-50 megapixels; beyond this an image costs gigabytes to decode (a 99 KB
# 9000x9000 PNG took 3.4 GB and 126 s) and is refused from its header, before decoding.
MAX_PIXELS = 60_000_000


def read_image(path: Path) -> np.ndarray:
    try:
        with Image.open(path) as im:
            w, h = im.size
            if w * h > MAX_PIXELS:
                raise MediaError(f"{path}: {w}x{h} pixels, more than the {MAX_PIXELS:,} that detection accepts")
            return np.asarray(im.convert("RGB"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as err:
        raise MediaError(f"{path}: not a readable image ({err.__class__.__name__})") from None


def frames(source: str, every: int = 1, limit: int | None = None) -> Iterator[tuple[str, np.ndarray]]:
    """(label, RGB frame) for an image file, every `every`-th frame of a video, or a camera index."""
    if source.isdigit() or Path(source).suffix.lower() in VIDEO_SUFFIXES:
        import cv2

        cap = cv2.VideoCapture(int(source) if source.isdigit() else source)
        if not cap.isOpened():
            raise MediaError(f"{source}: cannot open as a {'camera' if source.isdigit() else 'video'}")
        i = n = 0
        try:
            while limit is None or n < limit:
                ok, frame = cap.read()
                if not ok:
                    break
                if i % every == 0:
                    n += 1
                    yield f"{source}#frame{i}", frame[..., ::-1]  # BGR -> RGB
                i += 1
        finally:
            cap.release()
        if n == 0 and not source.isdigit():
            raise MediaError(f"{source}: no frames could be read (not a video, or an unsupported codec)")
        return
    path = Path(source)
    if not path.exists():
        raise MediaError(f"{path}: no such file")
    yield str(path), read_image(path)


def classify(model, crops: Sequence[np.ndarray]) -> np.ndarray:
    if not len(crops):
        return np.zeros((0, model.output_shape[-1]))
    from fer_study.core.quiet import import_keras

    keras = import_keras()

    # A direct call, not model.predict: a handful of crops per frame, and no per-call function tracing.
    return np.asarray(keras.ops.convert_to_numpy(model(np.stack(crops)[..., None], training=False)))


def detect(image: np.ndarray, detector: Detector, model, classes: Sequence[str], label: str = "") -> Detected:
    """Faces, crops and class probabilities for one RGB or grey image, with timings."""
    t0 = time.perf_counter()
    grey = to_grey(image)
    boxes = detector(grey)
    t1 = time.perf_counter()
    crops = [crop(grey, b) for b in boxes]
    probs = classify(model, crops)
    t2 = time.perf_counter()
    faces = [
        Face(b, {c: float(p) for c, p in zip(classes, pr)}, classes[int(pr.argmax())], float(pr.max()))
        for b, pr in zip(boxes, probs)
    ]
    seconds = {"detect": round(t1 - t0, 4), "classify": round(t2 - t1, 4), "total": round(t2 - t0, 4)}
    return Detected(label, faces, crops, seconds)


def detect_all(
    images: Mapping[str, np.ndarray], detector: Detector, models: Mapping[str, tuple]
) -> dict[tuple[str, str], Detected]:
    """Every photo through every model ((keras model, metadata) by name): (photo, model) -> Detected."""
    return {
        (photo, name): detect(img, detector, m, meta["classes"], photo)
        for photo, img in images.items()
        for name, (m, meta) in models.items()
    }


def frames_per_second(image: np.ndarray, detector: Detector, model, classes: Sequence[str], repeats: int) -> dict:
    """Frames per second of the whole pipeline (detect, crop, classify) on `image`, after one warm-up
    call, with the mean detection and classification time per frame in milliseconds."""
    detect(image, detector, model, classes)  # warm-up: the first call builds the model's function
    t0 = time.perf_counter()
    secs = [detect(image, detector, model, classes).seconds for _ in range(repeats)]
    return {
        "frames": repeats,
        "fps": round(repeats / (time.perf_counter() - t0), 2),
        "detect_ms": round(1000 * float(np.mean([s["detect"] for s in secs])), 1),
        "classify_ms": round(1000 * float(np.mean([s["classify"] for s in secs])), 1),
    }


def speeds(image: np.ndarray, detector: Detector, models: Mapping[str, tuple], repeats: int) -> list[dict]:
    """`frames_per_second` of every model ((keras model, metadata) by name) on `image`."""
    return [
        {"model": name, **frames_per_second(image, detector, m, meta["classes"], repeats)}
        for name, (m, meta) in models.items()
    ]


def annotate(image: np.ndarray, result: Detected) -> Image.Image:
    """The image with a box, label and probability for every face."""

    im = Image.fromarray(
        np.asarray(image if np.asarray(image).ndim == 3 else np.stack([image] * 3, -1)).astype(np.uint8)
    )
    draw = ImageDraw.Draw(im)
    width = max(2, im.width // 250)
    for f in result.faces:
        b = f.box
        draw.rectangle([b.left, b.top, b.left + b.size, b.top + b.size], outline=(255, 40, 40), width=width)
        text = f"{f.label} {f.probability:.2f}"
        draw.rectangle([b.left, max(0, b.top - 12), b.left + 7 * len(text), b.top], fill=(255, 40, 40))
        draw.text((b.left + 2, max(0, b.top - 12)), text, fill=(255, 255, 255))
    return im


def lfw_mosaic(n: int = 12, cols: int = 4, size: int = 120) -> np.ndarray:
    """A grey mosaic of scikit-image's bundled LFW faces (its first 100 images are faces), each
    enlarged to `size` px on a plain background, so the detector sees faces at a usable scale."""
    from skimage import data
    from skimage.transform import resize

    faces = data.lfw_subset()[:n]
    rows = -(-n // cols)
    pad = size // 4
    canvas = np.full((rows * (size + pad) + pad, cols * (size + pad) + pad), 128, dtype=np.uint8)
    for i, f in enumerate(faces):
        r, c = divmod(i, cols)
        y, x = pad + r * (size + pad), pad + c * (size + pad)
        canvas[y : y + size, x : x + size] = (resize(f, (size, size), anti_aliasing=True) * 255).astype(np.uint8)
    return canvas


def summary(results: dict, photos: list, first: str, predictions, models: dict) -> schema.Detection:
    """Notebook 08's summary: faces found per photo (by the first model's run), every prediction,
    and where each model came from."""
    return schema.Detection(
        faces_found={photo: len(results[(photo, first)].faces) for photo in photos},
        predictions=predictions.to_dict(orient="records"),
        models={name: {k: v for k, v in meta.items() if k != "genome"} for name, (m, meta) in models.items()},
        note="package photos without expression labels: behaviour, not accuracy",
    )
