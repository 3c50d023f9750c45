"""The study's speed benchmark: training throughput against the naive pipeline, FLOP/s against the
machine's roof, data loading, search overheads and memory. Prints its figures and writes BENCHMARKS.md.

    .venv/bin/python benchmarks/bench.py [--data PATH] [--quick] [--out BENCHMARKS.md]
    .venv/bin/python benchmarks/bench.py --only rerun    # just the rerun-from-store figure, merged into --out

Run it on an otherwise idle machine; every figure is measured in the same run.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import flops  # noqa: E402  (benchmarks/flops.py, beside this script)
import keras  # noqa: E402

import fer_study  # noqa: E402,F401  (sets the TensorFlow environment before Keras loads)
from fer_study.core import profiles  # noqa: E402
from fer_study.data import load  # noqa: E402
from fer_study.experiments import paper_b
from fer_study.nn import architectures as models  # noqa: E402
from fer_study.nn.fit import FitSettings, fit, predict  # noqa: E402
from fer_study.nn.store import RunStore  # noqa: E402
from fer_study.search import genome


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "platform": platform.platform(),
    }


def images_per_second(build, n_classes, x, y, batch, spe=1, precision="float32", epochs=1) -> float:
    """Training throughput of our pipeline: in-memory uint8 arrays, scaling inside the model."""
    keras.mixed_precision.set_global_policy(precision)
    keras.backend.clear_session(free_memory=True)
    keras.utils.set_random_seed(0)  # deterministic ops (the study's setting) need a seed
    m = build(n_classes)
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"], steps_per_execution=spe)
    yy = keras.utils.to_categorical(y, n_classes)
    m.fit(
        x[: batch * spe * 2, ..., None], yy[: batch * spe * 2], batch_size=batch, epochs=1, verbose=0
    )  # compile, warm up
    t = time.perf_counter()
    m.fit(x[..., None], yy, batch_size=batch, epochs=epochs, verbose=0)
    keras.mixed_precision.set_global_policy("float32")
    return epochs * len(x) / (time.perf_counter() - t)


def naive_images_per_second(build, n_classes, folder: Path, n: int, batch: int = 16) -> float:
    """The pipeline such paper code uses: decode the JPEG class folders every epoch, batch 16, no cache."""
    keras.backend.clear_session(free_memory=True)
    keras.utils.set_random_seed(0)
    ds = keras.utils.image_dataset_from_directory(
        folder,
        labels="inferred",
        label_mode="categorical",
        color_mode="grayscale",
        image_size=(48, 48),
        batch_size=batch,
        shuffle=True,
        seed=0,
        verbose=False,
    )
    m = build(n_classes)
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    m.fit(ds.take(4), epochs=1, verbose=0)
    t = time.perf_counter()
    m.fit(ds, epochs=1, verbose=0)
    return n / (time.perf_counter() - t)


def matmul_roof(n: int = 4096, reps: int = 10) -> float:
    """FLOP/s of a large float32 matrix product in the same framework: the roof we compare with."""
    keras.utils.set_random_seed(0)
    a = keras.random.normal((n, n), seed=0)
    b = keras.random.normal((n, n), seed=1)
    keras.ops.convert_to_numpy(keras.ops.matmul(a, b))
    t = time.perf_counter()
    for _ in range(reps):
        c = keras.ops.matmul(a, b)
    keras.ops.convert_to_numpy(c)
    return 2 * n**3 * reps / (time.perf_counter() - t)


def write_jpegs(data, idx, folder: Path) -> None:
    from PIL import Image

    from fer_study.core.labels import CLASSES

    for i in idx:
        d = folder / CLASSES[data.labels[i]]
        d.mkdir(parents=True, exist_ok=True)
        Image.fromarray(data.images[i]).save(d / f"{i}.jpg", quality=95)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="FER2013 source (default: as the study resolves it)")
    ap.add_argument("--quick", action="store_true", help="fewer images per measurement (a smoke check, noisier)")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    ap.add_argument("--rerender", action="store_true", help="only re-format --out from its JSON block (no measuring)")
    ap.add_argument(
        "--only", choices=["rerun"], help="measure only this section and merge it into the JSON block of --out"
    )
    args = ap.parse_args(argv)
    if args.rerender:
        rerender(args.out)
        print("re-rendered", args.out)
        return 0
    if args.only == "rerun":
        text = Path(args.out).read_text()
        res = json.loads(text.split("```json", 1)[1].split("```", 1)[0])
        res["rerun_from_store"] = rerun_from_store()
        print("rerun from store:", res["rerun_from_store"], flush=True)
        Path(args.out).write_text(render(res))
        print("wrote", args.out)
        return 0
    n = 800 if args.quick else 3200
    res: dict = {"machine": machine(), "images_per_measurement": n}
    print(json.dumps(res["machine"]), flush=True)

    # Data loading, cold (decode into a fresh cache) and warm (from the cache).
    with tempfile.TemporaryDirectory() as home:
        old = os.environ.get("FER_STUDY_HOME")
        os.environ["FER_STUDY_HOME"] = home
        t = time.perf_counter()
        data = load(args.data, verbose=False)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        load(args.data, verbose=False)
        warm = time.perf_counter() - t
        if old is None:
            os.environ.pop("FER_STUDY_HOME")
        else:
            os.environ["FER_STUDY_HOME"] = old
    res["load"] = {"data": data.label_text, "images": len(data), "cold_s": round(cold, 2), "warm_s": round(warm, 3)}
    print("load:", res["load"], flush=True)

    rng = np.random.default_rng(0)
    idx = rng.choice(len(data), size=min(n, len(data)), replace=False)
    x, y = data.images[idx], data.labels[idx]
    cfg_a, cfg_cpu = profiles.resolve("paper"), profiles.resolve("cpu")
    L = genome.layers(genome.TABLE2)
    table2 = lambda k: models.paper_b_cnn(k, L["filters"], L["kernels"], L["activations"])
    nets = {
        "paper A basic CNN": (models.basic_cnn, 4, cfg_a["a_batch_size"]),
        "paper A improved CNN": (models.improved_cnn, 4, cfg_a["a_batch_size"]),
        "paper B Table 2 genome": (table2, 7, cfg_a["b_batch_size"]),
    }
    roof = matmul_roof(2048 if args.quick else 4096)
    res["roof_gflops"] = round(roof / 1e9, 1)
    print(f"roof (float32 matmul): {roof / 1e9:.1f} GFLOP/s", flush=True)

    from fer_study.core.labels import CLASS_INDEX

    four = np.isin(y, [CLASS_INDEX[c] for c in cfg_a["a_classes"]])
    with tempfile.TemporaryDirectory() as jpgs:
        # The naive pipeline reads class folders: all 7 classes for paper B, paper A's 4 for its models.
        write_jpegs(data, idx, Path(jpgs) / "seven")
        write_jpegs(data, idx[four], Path(jpgs) / "four")
        res["training"] = []
        for name, (build, k, profile_batch) in nets.items():
            yk = y % k
            f = flops.training_flops(build(k))
            row = {"model": name, "train_gflop_per_image": round(f / 1e9, 4)}
            folder, n_imgs = (Path(jpgs) / "seven", len(idx)) if k == 7 else (Path(jpgs) / "four", int(four.sum()))
            row["naive_b16"] = naive_images_per_second(build, k, folder, n_imgs)
            row["ours_b16_spe1"] = images_per_second(build, k, x, yk, 16, 1)
            row["ours_b16"] = images_per_second(build, k, x, yk, 16, cfg_cpu["steps_per_execution"])
            row["ours_b16_bf16"] = images_per_second(
                build, k, x, yk, 16, cfg_cpu["steps_per_execution"], "mixed_bfloat16"
            )
            row["ours_profile_batch"] = images_per_second(
                build, k, x, yk, profile_batch, cfg_cpu["steps_per_execution"]
            )
            row["profile_batch"] = profile_batch
            row["speedup_vs_naive_b16"] = row["ours_b16"] / row["naive_b16"]
            row["fraction_of_roof_b16"] = row["ours_b16"] * f / roof
            res["training"].append(row)
            print({k2: (round(v, 3) if isinstance(v, float) else v) for k2, v in row.items()}, flush=True)

    # Precision check: accuracy after a fixed number of epochs, float32 vs bfloat16, two seeds each.
    k, ep = 4, 2 if args.quick else 3
    # A random (seeded) sample of the four classes: the canonical order is sorted by split and class.
    sel = np.random.default_rng(1).permutation(np.flatnonzero(np.isin(data.labels, [0, 3, 4, 5])))[: 4 * n]
    remap = np.full(7, -1)
    remap[[0, 3, 4, 5]] = range(4)
    xs, ys = data.images[sel], remap[data.labels[sel]]
    cut = int(0.8 * len(sel))
    acc = {}
    for prec in ("float32", "mixed_bfloat16"):
        acc[prec] = []
        for seed in (0, 1):
            t = fit(
                lambda: models.basic_cnn(k),
                xs[:cut],
                ys[:cut],
                None,
                None,
                FitSettings(
                    epochs=ep, batch_size=16, learning_rate=1e-3, seed=seed, steps_per_execution=32, precision=prec
                ),
            )
            p = predict(t.model, xs[cut:]).argmax(1)
            acc[prec].append(float(np.mean(p == ys[cut:])))
    keras.mixed_precision.set_global_policy("float32")
    res["precision_check"] = {"epochs": ep, "images": int(len(sel)), "accuracy": acc}
    print("precision check:", res["precision_check"], flush=True)

    # One GA generation (cpu profile settings) and one grid-search trial: wall time and non-training share.
    st = profiles.resolve("cpu", {"b_population": 4 if args.quick else 6})
    proto = paper_b.protocol(data, "clean", st)
    from fer_study.search import ga

    rss = []
    with tempfile.TemporaryDirectory() as folder:
        task = paper_b.make_task(data, proto, st, Path(folder) / "runs")
        settings = dataclasses.replace(
            ga.GASettings.from_settings(st.paper_b, st.runtime.seed), generations=0
        )  # the initial generation
        gs = ga.GeneticSearch(
            genome.Space.from_settings(st.paper_b),
            settings,
            paper_b.fitness_of(task, data),
            folder,
            paper_b.task_context(task, "clean"),
            log=lambda s: None,
        )
        gs.evaluation_hook = lambda i: rss.append(round(peak_rss_mib()))
        t = time.perf_counter()
        gs.run()
        wall = time.perf_counter() - t
        train_s = sum(r["train_seconds"] for r in gs.evaluations.records)
    res["ga_generation"] = {
        "individuals": len(rss),
        "wall_s": round(wall, 1),
        "train_s": round(train_s, 1),
        "non_training_share": round(1 - train_s / wall, 3),
        "peak_rss_mib_after_each": rss,
    }
    print("GA generation:", res["ga_generation"], flush=True)

    # The same generation with the "isolated" executor (a fresh process per training), the
    # setting for long searches: the study's process should not grow at all, and each worker's
    # peak is one training's.
    import psutil

    from fer_study.search import executors

    here, rss_iso = psutil.Process(), []
    with tempfile.TemporaryDirectory() as folder:
        task = paper_b.make_task(data, proto, st, Path(folder) / "runs")
        gs = ga.GeneticSearch(
            genome.Space.from_settings(st.paper_b),
            settings,
            paper_b.fitness_of(task, None),
            folder,
            paper_b.task_context(task, "clean"),
            executors.make("isolated", 1, ""),
            log=lambda s: None,
        )
        gs.evaluation_hook = lambda i: rss_iso.append(round(here.memory_info().rss / 2**20))
        t = time.perf_counter()
        gs.run()
        wall_iso = time.perf_counter() - t
        gs.executor.close()
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    res["ga_generation_isolated"] = {
        "individuals": len(rss_iso),
        "wall_s": round(wall_iso, 1),
        "study_rss_mib_after_each": rss_iso,
        "largest_worker_peak_rss_mib": round(worker_peak),
    }
    print("GA generation, isolated executor:", res["ga_generation_isolated"], flush=True)

    from fer_study.data import sampling
    from fer_study.experiments import paper_a
    from fer_study.search import grid

    split = sampling.paper_a_split(data, tuple(st.paper_a.a_classes), st.paper_a.a_test_fraction, st.runtime.seed)
    with tempfile.TemporaryDirectory() as folder:
        one = {k2: v[:1] for k2, v in st.grid.a_grid.items()}
        t = time.perf_counter()
        trials = grid.run(
            one,
            paper_a.grid_seeds(st)[:1],  # one trial: the grid's first seed
            lambda p, seed: paper_a.grid_request(data, split, st, p, seed),
            paper_a.grid_result,
            RunStore(Path(folder) / "runs", log=lambda s: None),
            data.images,
            data.labels,
            log=lambda s: None,
        )
        wall = time.perf_counter() - t
    r = trials.iloc[0]
    res["grid_trial"] = {
        "wall_s": round(wall, 2),
        "train_s": float(r["train_seconds"]),
        "non_training_share": round(float(1 - r["train_seconds"] / wall), 3),
    }
    print("grid trial:", res["grid_trial"], flush=True)
    # Detection: the whole pipeline (detect, crop, classify) on a 512x512 photo shipped with scikit-image.
    from skimage import data as photos

    from fer_study.experiments import detection

    det, model, img = detection.Detector(), models.improved_cnn(4), photos.astronaut()
    res["detection"] = {
        "frame": "512x512 RGB (skimage astronaut)",
        **detection.frames_per_second(img, det, model, list(st.paper_a.a_classes), 5 if args.quick else 20),
    }
    print("detection:", res["detection"], flush=True)
    res["rerun_from_store"] = rerun_from_store()
    print("rerun from store:", res["rerun_from_store"], flush=True)
    res["backends_installed"] = [b for b in ("tensorflow", "jax", "torch") if _importable(b)]
    Path(args.out).write_text(render(res))
    print("wrote", args.out)
    return 0


def rerun_from_store(profile: str = "smoke", data: str = "demo") -> dict:
    """The whole study executed twice into one scratch folder, as `fer-study run` does it: the first
    time every training runs; the second time every training loads from the run store. The second
    wall time is what re-rendering results/ after a change to a table or figure costs."""
    cli = Path(sys.executable).with_name("fer-study")
    # Other work on the machine slows both passes alike; the load average says how busy it was.
    out: dict = {"profile": profile, "data": data, "load_average_at_start": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory(prefix="fer-study-rerun-") as folder:
        cmd = [str(cli), "run", "--profile", profile, "--data", data, "--out", folder]
        for name in ("first", "rerun"):
            t = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            out[f"{name}_s"] = round(time.perf_counter() - t, 1)
            # Stored trainings after this pass: the rerun must add none.
            out[f"stored_after_{name}"] = sum(
                1 for p in (Path(folder) / "runs").iterdir() if not p.name.startswith(".")
            )
    out["trained_in_rerun"] = out["stored_after_rerun"] - out["stored_after_first"]
    return out


def _importable(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def render(res: dict) -> str:
    m = res["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `.venv/bin/python benchmarks/bench.py` (latest run below; numbers are "
        "from that run, on that machine).",
        "",
        f"**Machine:** {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python {m['python']}, Keras {m['keras']} "
        f"({m['backend']} backend); {m['platform']}. Backends installed: {', '.join(res['backends_installed'])}.",
        "",
        f"**Data loading** ({res['load']['data']}, {res['load']['images']} images): cold (decode into an empty cache) "
        f"{res['load']['cold_s']} s, warm (from the cache) {res['load']['warm_s']} s.",
        "",
        f"**Roof:** a float32 matrix product in the same framework: {res['roof_gflops']} GFLOP/s.",
        "",
        f"## Training throughput (images/s, {res['images_per_measurement']} images per measurement)",
        "",
        "| model | GFLOP per training image | naive, batch 16 | ours, batch 16, 1 step/exec | ours, batch 16 | "
        "ours, batch 16, bf16 | ours, profile batch | ours / naive (b16) | fraction of roof (b16) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res["training"]:
        lines.append(
            f"| {r['model']} | {r['train_gflop_per_image']} | {r['naive_b16']:.0f} | {r['ours_b16_spe1']:.0f} | "
            f"{r['ours_b16']:.0f} | {r['ours_b16_bf16']:.0f} | {r['ours_profile_batch']:.0f} (batch {r['profile_batch']}) | "
            f"{r['speedup_vs_naive_b16']:.2f}x | {100 * r['fraction_of_roof_b16']:.1f} % |"
        )
    pc = res["precision_check"]
    g, t = res["ga_generation"], res["grid_trial"]
    lines += (
        [
            "",
            "*naive*: `keras.utils.image_dataset_from_directory` over JPEG class folders, decoded every epoch, no "
            "cache, batch 16. *ours*: in-memory uint8 arrays, scaling inside the model, `steps_per_execution` from the "
            "profile (32) unless stated.",
            "",
            f"**Precision check** (basic CNN, {pc['epochs']} epochs, {pc['images']} images, 2 seeds): test accuracy "
            f"float32 {pc['accuracy']['float32']}, mixed bfloat16 {pc['accuracy']['mixed_bfloat16']}.",
            "",
            f"**One GA generation** (`cpu` profile genomes, {g['individuals']} individuals): wall {g['wall_s']} s, of which "
            f"training {g['train_s']} s; non-training share {100 * g['non_training_share']:.1f} %. "
            f"Peak RSS after each evaluation (MiB): {g['peak_rss_mib_after_each']}.",
            "",
            f"**One grid-search trial** (`cpu` profile): wall {t['wall_s']:.1f} s, training {t['train_s']:.1f} s; "
            f"non-training share {100 * t['non_training_share']:.1f} %.",
            "",
            f"**Detection** (LBP cascade + 48x48 crop + improved CNN, {res['detection']['frame']}): "
            f"{res['detection']['fps']} frames/s; detection {res['detection']['detect_ms']} ms, classification "
            f"{res['detection']['classify_ms']} ms per frame.",
            "",
        ]
        + rerun_lines(res)
        + [
            "## Targets (issue 6) against this run",
            "",
        ]
        + targets(res)
        + ["", "```json", json.dumps(res, indent=1, default=float), "```", ""]
    )
    return "\n".join(lines)


def rerun_lines(res: dict) -> list[str]:
    r = res.get("rerun_from_store")
    if not r:
        return ["**Rerun from the store:** not measured in this run.", ""]
    return [
        f"**Rerun from the store** (`fer-study run --profile {r['profile']} --data {r['data']}` twice into one "
        f"folder): first {r['first_s'] / 60:.1f} min with {r['stored_after_first']} trainings stored; re-executed with "
        f"every training stored {r['rerun_s'] / 60:.1f} min ({r['rerun_s']:.0f} s), {r['trained_in_rerun']} trainings "
        f"run again (1-minute load average at the start: {r.get('load_average_at_start', '?')} on "
        f"{res['machine']['cores']} cores).",
        "",
    ]


def targets(res: dict) -> list[str]:
    """Each speed target of the study, measured against this run's figures."""
    tr = {r["model"]: r for r in res["training"]}
    g = res["ga_generation"]
    rss = g["peak_rss_mib_after_each"]
    growth = (rss[-1] - rss[0]) / max(1, len(rss) - 1)
    iso = res.get("ga_generation_isolated")
    ok = lambda b: "met" if b else "**not met**"
    out = []
    for name in ("paper A basic CNN", "paper A improved CNN"):
        x = tr[name]["speedup_vs_naive_b16"]
        out.append(f"- >= 3x the naive pipeline at batch 16, {name}: {x:.2f}x, {ok(x >= 3)}")
    f = tr["paper A improved CNN"]["fraction_of_roof_b16"]
    out.append(f"- >= 40 % of the roof, improved CNN: {100 * f:.1f} %, {ok(f >= 0.4)}")
    out.append(
        f"- non-training overhead <= 5 % of a GA generation: {100 * g['non_training_share']:.1f} %, "
        f"{ok(g['non_training_share'] <= 0.05)}"
    )
    out.append(
        f"- in-process executor: peak memory +{growth:.0f} MiB per evaluation on average "
        "(peak RSS is monotone; a flat search adds ~0)"
    )
    if iso:
        r = iso["study_rss_mib_after_each"]
        g_iso = (r[-1] - r[0]) / max(1, len(r) - 1)
        out.append(
            f"- peak memory flat across a search (isolated executor, `--set executor=isolated`): the study's "
            f"process {g_iso:+.1f} MiB per evaluation, each worker at most {iso['largest_worker_peak_rss_mib']} MiB, "
            f"{ok(abs(g_iso) <= 5)}; it costs {iso['wall_s'] - g['wall_s']:+.0f} s over the in-process generation"
        )
    else:
        out.append("- peak memory flat across a search: not measured in this run (no isolated-executor figure)")
    return out


def rerender(path: str) -> None:
    """Re-write BENCHMARKS.md from the JSON block of an earlier run (formatting only, same numbers)."""
    text = Path(path).read_text()
    res = json.loads(text.split("```json", 1)[1].split("```", 1)[0])
    Path(path).write_text(render(res))


if __name__ == "__main__":
    sys.exit(main())
