"""Progress lines: how far, time so far, time left; one line per step only where nothing can be rewritten."""

import io

from fer_study.core.progress import Progress, span


def test_a_log_file_gets_a_line_every_n_steps_and_at_the_end():
    out = io.StringIO()
    with Progress(25, "training x", every=10, stream=out) as bar:
        for _ in range(25):
            bar.update(note="val 0.5")
    lines = out.getvalue().splitlines()
    assert [l.split(":")[1].split("(")[0].strip() for l in lines] == ["10/25", "20/25", "25/25"]
    assert "left" in lines[0] and "left" not in lines[-1] and lines[-1].endswith("· val 0.5")


def test_a_terminal_line_is_rewritten_in_place():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    out = Tty()
    with Progress(3, "search", stream=out) as bar:
        for _ in range(3):
            bar.update()
    text = out.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n") and text.count("\n") == 1


def test_disabled_writes_nothing():
    out = io.StringIO()
    bar = Progress(3, "x", stream=out, enabled=False)
    bar.update()
    assert out.getvalue() == "" and bar.done == 1


def test_span_reads_hours_from_an_hour_up_and_minutes_below():
    assert span(25167.4) == "7.0 h" and span(3600) == "1.0 h"
    assert span(1767.86) == "29 min" and span(3599) == "60 min"
    assert span(42.4) == "42 s" and span(60) == "1 min"  # one unit each, never "0 min"


def test_a_runs_terminal_sees_the_latest_progress_line_of_a_notebook_step(tmp_path, monkeypatch):
    """`fer-study run` sets FER_STUDY_PROGRESS; every Progress (in the kernel or a training process)
    mirrors its latest line there, and the runner prints it while the notebook runs."""
    import time

    from fer_study import runner
    from fer_study.core import progress

    shown = []
    with runner._relay_progress(tmp_path, shown.append, every=0.0, poll=0.05):
        with progress.Progress(4, "training x", enabled=True, stream=open(tmp_path / "log", "w")) as bar:
            bar.update(note="val 0.50")
            time.sleep(0.3)
            bar.update(2, note="val 0.61")
            time.sleep(0.3)
    assert shown and shown[0].startswith("      training x: 1/4") and "val 0.61" in shown[-1]
    assert len(shown) == len(set(shown))  # a line is printed once, when it changes
    assert progress.MIRROR_ENV not in __import__("os").environ and not (tmp_path / "provenance" / ".progress").exists()
    progress.mirror("nowhere")  # with no run around it, mirroring does nothing


def test_a_capped_training_gives_the_time_per_step_not_a_time_left_made_of_the_cap():
    out = io.StringIO()
    with Progress(10000, "training control", every=1, stream=out, cap=True) as bar:
        bar.update(note="validation accuracy 0.400")
    line = out.getvalue().strip()
    assert line.startswith("training control: 1 of at most 10000 (") and "each; it stops early)" in line
    assert "left" not in line and line.endswith("· validation accuracy 0.400")
