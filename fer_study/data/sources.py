"""Readers for every form FER2013 comes in: the Kaggle zip, the unzipped folder and the two CSVs."""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from fer_study.core.labels import CLASS_INDEX, CSV_CODE_TO_CLASS, IMAGE_SIZE, SPLIT_INDEX, SPLITS
from fer_study.data.errors import DataError
from fer_study.data.integrity import FER2013_IMAGES

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
SPLIT_FOLDERS = {"train": ("Training",), "test": ("PublicTest", "PrivateTest")}
_PREFIX = re.compile(r"^(Training|PublicTest|PrivateTest)_", re.IGNORECASE)
_CANONICAL_SPLIT = {s.lower(): s for s in SPLITS}
# Archive metadata that some zip tools add; it is not part of any data tree.
_IGNORED_PARTS = {"__MACOSX"}


@dataclass
class RawData:
    """Decoded images in canonical order, before any caching or subsetting."""

    images: np.ndarray  # uint8 (N, 48, 48)
    labels: np.ndarray  # int8, index into labels.CLASSES
    splits: np.ndarray  # int8, index into labels.SPLITS
    names: np.ndarray  # str, where each image came from (file path or CSV line)
    format: str
    skipped: list[tuple[str, str]] = field(default_factory=list)


def detect_format(path: Path) -> str:
    """Return "zip", "folder" or "csv" for an existing FER2013 source, or raise DataError."""
    if not path.exists():
        raise DataError(str(path), "no such file or folder (set --data or FER2013_PATH to a FER2013 copy)")
    if path.is_dir():
        return "folder"
    if zipfile.is_zipfile(path):
        return "zip"
    if path.suffix.lower() == ".csv":
        return "csv"
    raise DataError(
        str(path),
        "unknown format: expected the Kaggle msambare/fer2013 zip, its unzipped folder, "
        "fer2013.csv or icml_face_data.csv",
    )


def read_source(path: Path, skip_bad: bool = False) -> RawData:
    """Read a FER2013 source of any accepted format into canonical-order arrays."""
    fmt = detect_format(path)
    if fmt == "csv":
        raw = _read_csv(path, skip_bad)
    elif fmt == "zip":
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if len(members) > MAX_MEMBERS:
                raise DataError(
                    str(path), f"{len(members):,} members, far more than FER2013's {FER2013_IMAGES:,} images"
                )
            entries = [(i.filename, i.is_dir(), _zip_reader(zf, i)) for i in members]
            raw = _read_tree(str(path), entries, skip_bad, fmt)
    else:
        entries = [(p.relative_to(path).as_posix(), p.is_dir(), _file_reader(p)) for p in sorted(path.rglob("*"))]
        raw = _read_tree(str(path), entries, skip_bad, fmt)
    return _canonical_order(raw)


# A FER2013 image is a 48x48 JPEG or PNG of a few KB; a member declaring more is refused before
# a byte of it is inflated (a 4.6 MB zip holding a 2 GiB member once took 4.25 GB of memory).
MAX_MEMBER_BYTES = 1 << 20
MAX_MEMBERS = 200_000  # FER2013 has 35,887 images


def _zip_reader(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        if info.file_size > MAX_MEMBER_BYTES:
            raise DataError(
                "image", f"declares {info.file_size:,} bytes uncompressed, more than any FER2013 image (1 MiB at most)"
            )
        # In blocks, never past the limit: `zf.read` inflates up to 2 GiB at once before it trims to
        # the declared size, so a member lying about its size cost 2.1 GB (issue 36).
        with zf.open(info) as fh:
            return _bounded(fh, "inflates beyond the size it declares")

    return read


def _file_reader(path: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        size = path.stat().st_size
        if size > MAX_MEMBER_BYTES:  # a 2 GiB (sparse) file was read whole before it was refused
            raise DataError("image", f"{size:,} bytes, more than any FER2013 image (1 MiB at most)")
        with open(path, "rb") as fh:
            return _bounded(fh, "grew past 1 MiB while it was read")

    return read


def _bounded(fh, problem: str) -> bytes:
    """At most MAX_MEMBER_BYTES from `fh`, read in blocks; DataError when there is more."""
    blocks, size = [], 0
    while block := fh.read(1 << 16):
        size += len(block)
        if size > MAX_MEMBER_BYTES:
            raise DataError("image", f"{problem} (more than 1 MiB)")
        blocks.append(block)
    return b"".join(blocks)


def _read_tree(
    source: str,
    entries: Iterable[tuple[str, bool, Callable[[], bytes]]],
    skip_bad: bool,
    fmt: str,
) -> RawData:
    kept = [
        (PurePosixPath(name), is_dir, read)
        for name, is_dir, read in entries
        if not (set(PurePosixPath(name).parts) & _IGNORED_PARTS)
    ]
    root = _find_root(source, [p for p, _, _ in kept])
    images, labels, splits, names, skipped = [], [], [], [], []
    files_per_class: dict[tuple[str, str], int] = {}

    def bad(where: str, problem: str) -> None:
        if not skip_bad:
            raise DataError(where, problem)
        skipped.append((where, problem))

    for rel, is_dir, read in kept:
        if rel.parts[: len(root)] != root or not rel.parts[len(root) :]:
            continue
        parts = rel.parts[len(root) :]
        where = f"{source}:{rel.as_posix()}" if fmt == "zip" else str(Path(source) / rel)
        problem, image = _classify(parts, is_dir, files_per_class)
        if problem is None and image is not None:
            pixels, problem = _decoded(read)
        if problem is not None:
            bad(where, problem)
            continue
        if image is None:
            continue
        images.append(pixels)
        labels.append(CLASS_INDEX[image[0]])
        splits.append(SPLIT_INDEX[image[1]])
        names.append(rel.as_posix())

    for folder, cls in _empty_class_folders(files_per_class):
        bad(f"{source}:{'/'.join(root + (folder, cls))}/", "empty class folder")
    if not images:
        raise DataError(source, "no images found under train/<class>/ or test/<class>/")
    return _pack(images, labels, splits, names, fmt, skipped)


def _empty_class_folders(files_per_class: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    return [(f, c) for (f, c), n in sorted(files_per_class.items()) if n == 0 and c.lower() in CLASS_INDEX]


def _classify(
    parts: tuple[str, ...], is_dir: bool, files_per_class: dict[tuple[str, str], int]
) -> tuple[str | None, tuple[str, str] | None]:
    """An entry under the layout's root: (problem, None) where it breaks the layout, (None, None)
    where it holds no image (a folder), (None, (class, split)) for an image to decode. Counts the
    files of each class folder in `files_per_class` (an empty one is a problem of its own)."""
    folder = parts[0].lower()
    if folder not in SPLIT_FOLDERS:
        return f"unexpected entry beside train/ and test/ (found '{parts[0]}')", None
    if is_dir:
        if len(parts) == 2:
            files_per_class.setdefault((folder, parts[1]), 0)
            if parts[1].lower() not in CLASS_INDEX:
                return f"unknown class folder '{parts[1]}' (expected one of {', '.join(CLASS_INDEX)})", None
        return None, None
    if len(parts) != 3:
        return "unexpected location: images must sit in train/<class>/ or test/<class>/", None
    cls = parts[1].lower()
    if cls not in CLASS_INDEX:
        return f"unknown class folder '{parts[1]}' (expected one of {', '.join(CLASS_INDEX)})", None
    files_per_class[(folder, parts[1])] = files_per_class.get((folder, parts[1]), 0) + 1
    return _classify_file(folder, parts, cls)


def _classify_file(folder: str, parts: tuple[str, ...], cls: str) -> tuple[str | None, tuple[str, str] | None]:
    """A file in a class folder: an image whose name says its official split, in the folder of that split."""
    fname = parts[2]
    if not fname.lower().endswith(IMAGE_SUFFIXES):
        return "stray non-image file in a class folder", None
    m = _PREFIX.match(fname)
    if not m:
        return "file name has no Training_/PublicTest_/PrivateTest_ prefix, so its official split is unknown", None
    split = _CANONICAL_SPLIT[m.group(1).lower()]
    if split not in SPLIT_FOLDERS[folder]:
        return f"a {split} image inside {parts[0]}/ (official split and folder disagree)", None
    return None, (cls, split)


def _decoded(read: Callable[[], bytes]) -> tuple[Any, str | None]:
    """The image's pixels, or the problem that stops them (a damaged zip member named as such)."""
    try:
        return decode_image(read()), None
    except (DataError, zipfile.BadZipFile, zlib.error, EOFError) as err:
        if not isinstance(err, DataError):
            err = DataError("image", f"damaged zip member ({type(err).__name__}: {err})")
        return None, err.problem


def _find_root(source: str, paths: list[PurePosixPath]) -> tuple[str, ...]:
    """The folder that holds train/ and test/: the top, or one or more levels deeper."""
    candidates: set[tuple[str, ...]] = set()
    for p in paths:
        for i, part in enumerate(p.parts[:-1]):
            if part.lower() in SPLIT_FOLDERS:
                candidates.add(p.parts[:i])
                break
    with_both = sorted(
        (
            c
            for c in candidates
            if all(
                any(p.parts[: len(c)] == c and len(p.parts) > len(c) and p.parts[len(c)].lower() == s for p in paths)
                for s in SPLIT_FOLDERS
            )
        ),
        key=len,
    )
    if not with_both:
        raise DataError(source, "no folder holding both train/ and test/ was found (not the Kaggle FER2013 layout)")
    if len(with_both) > 1 and len(with_both[0]) == len(with_both[1]):
        raise DataError(source, f"more than one FER2013 tree found: {['/'.join(c) or '.' for c in with_both]}")
    return with_both[0]


def decode_image(data: bytes) -> np.ndarray:
    """Decode one FER2013 image, insisting on 48x48 greyscale; raises DataError(where='image')."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            # The header's size first: a huge image is refused before it is decoded.
            if im.size != (IMAGE_SIZE, IMAGE_SIZE):
                raise DataError("image", f"image is {im.size[0]}x{im.size[1]}, not {IMAGE_SIZE}x{IMAGE_SIZE}")
            im.load()
            mode = im.mode
            pixels = np.asarray(im, dtype=np.uint8) if mode == "L" else None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        raise DataError("image", f"truncated or unreadable image ({err})") from None
    if pixels is None:
        raise DataError("image", f"image is not greyscale (mode {mode})")
    return pixels


def _read_csv(path: Path, skip_bad: bool) -> RawData:
    images, labels, splits, names, skipped = [], [], [], [], []
    npix = IMAGE_SIZE * IMAGE_SIZE
    with open(path, newline="", encoding="utf-8") as fh:
        reader = _rows(csv.reader(fh), path)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            raise DataError(str(path), "empty CSV file") from None
        need = {"emotion", "pixels", "usage"}
        if not need <= set(header):
            raise DataError(
                f"{path}:line 1",
                f"CSV header {header} lacks {sorted(need - set(header))}; expected emotion,pixels,Usage",
            )
        col = {name: header.index(name) for name in need}
        for line, row in enumerate(reader, start=2):
            where = f"{path}:line {line}"
            if not row:
                continue
            try:
                problem, item = _parse_csv_row(row, col, npix)
            except IndexError:
                problem, item = f"row has {len(row)} fields, expected {len(header)}", None
            if problem:
                if not skip_bad:
                    raise DataError(where, problem)
                skipped.append((where, problem))
                continue
            pixels, cls, split = item
            images.append(pixels)
            labels.append(cls)
            splits.append(split)
            names.append(f"line {line}")
    if not images:
        raise DataError(str(path), "no image rows in CSV")
    return _pack(images, labels, splits, names, "csv", skipped)


def _rows(reader, path: Path):
    """The CSV's rows; a line too long for a field (a FER2013 row is about 9 KB, the limit 128 KB) or
    bytes that are not UTF-8 are one DataError naming the file and the line."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise DataError(f"{path}:line {reader.line_num}", f"not a FER2013 row ({err})") from None
        except UnicodeDecodeError as err:
            raise DataError(
                f"{path}:line {reader.line_num + 1}",
                f"not UTF-8 text (byte {err.object[err.start]:#04x}); FER2013's CSV is ASCII",
            ) from None


def _parse_csv_row(row: list[str], col: dict[str, int], npix: int):
    code = row[col["emotion"]].strip()
    if not code.lstrip("-").isdigit() or int(code) not in CSV_CODE_TO_CLASS:
        return f"unknown emotion code '{code}' (expected 0-6)", None
    usage = row[col["usage"]].strip()
    if usage.lower() not in _CANONICAL_SPLIT:
        return f"unknown Usage '{usage}' (expected Training, PublicTest or PrivateTest)", None
    tokens = row[col["pixels"]].split()
    if len(tokens) != npix:
        return f"row has {len(tokens)} pixels, expected {npix}", None
    try:
        values = np.array(tokens, dtype=np.int32)
    except ValueError:
        return "pixels contain a non-integer value", None
    if values.min() < 0 or values.max() > 255:
        return "pixel value outside 0..255", None
    cls = CLASS_INDEX[CSV_CODE_TO_CLASS[int(code)]]
    split = SPLIT_INDEX[_CANONICAL_SPLIT[usage.lower()]]
    return None, (values.astype(np.uint8).reshape(IMAGE_SIZE, IMAGE_SIZE), cls, split)


def _pack(images, labels, splits, names, fmt, skipped) -> RawData:
    return RawData(
        images=np.stack(images).astype(np.uint8),
        labels=np.asarray(labels, dtype=np.int8),
        splits=np.asarray(splits, dtype=np.int8),
        names=np.asarray(names, dtype=str),
        format=fmt,
        skipped=skipped,
    )


def _canonical_order(raw: RawData) -> RawData:
    """Sort by (split, class, pixel bytes) so that every format gives identical arrays."""
    flat = raw.images.reshape(len(raw.images), -1)
    order = np.asarray(
        sorted(range(len(flat)), key=lambda i: (raw.splits[i], raw.labels[i], flat[i].tobytes())),
        dtype=np.int64,
    )
    return RawData(
        images=raw.images[order],
        labels=raw.labels[order],
        splits=raw.splits[order],
        names=raw.names[order],
        format=raw.format,
        skipped=raw.skipped,
    )
