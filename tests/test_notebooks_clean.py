"""The committed notebooks read as a study: no framework log lines, no paths of the machine they ran on."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
NOISE = ("oneDNN", "absl::", "IPKernelApp", "TCP without encryption", "cpu_feature_guard", "This TensorFlow binary")
ABSOLUTE = re.compile(r"(?<![\w.])(/work/|/home/|/root/|/tmp/|/Users/|[A-Z]:\\\\)")


def _texts(nb: dict):
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain") or ""
            yield "".join(text) if isinstance(text, list) else text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_carry_no_framework_noise_or_machine_paths(path):
    nb = json.loads(path.read_text())
    for text in _texts(nb):
        assert not [w for w in NOISE if w in text], text[:300]
        assert not ABSOLUTE.search(text), text[:300]
    assert nb["metadata"]["kernelspec"]["name"] == "fer-study"
