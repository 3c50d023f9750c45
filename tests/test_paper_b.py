"""Paper B: the template network, the protocols, a real fitness that is deterministic across processes."""

import numpy as np
import pytest

from fer_study.core import papers, profiles
from fer_study.core.labels import SPLITS
from fer_study.data import load
from fer_study.experiments import paper_b
from fer_study.nn import architectures as models
from fer_study.search import executors
from fer_study.search import genome as G


def test_template_has_six_convs_three_pools_and_the_genome():
    m = models.paper_b_cnn(
        7,
        **{k: v for k, v in G.layers(G.TABLE2).items() if k in ("filters",)},
        kernels=G.layers(G.TABLE2)["kernels"],
        activations=G.layers(G.TABLE2)["activations"],
    )
    convs = [l for l in m.layers if type(l).__name__ == "Conv2D"]
    plain = models.paper_b_cnn(7, [4] * 6, [3] * 6, ["relu"] * 6, template="plain6")  # the sensitivity reading
    assert [type(l).__name__ for l in plain.layers].count("BatchNormalization") == 0
    assert [c.filters for c in convs] == [8, 8, 2, 256, 16, 128]
    assert [c.kernel_size for c in convs] == [(3, 3), (5, 5), (9, 9), (3, 3), (3, 3), (3, 3)]
    assert all(c.padding == "same" and type(c.kernel_initializer).__name__ == "HeNormal" for c in convs)
    names = [type(l).__name__ for l in m.layers]
    assert names.count("MaxPooling2D") == 3 and names.count("BatchNormalization") == 7 and m.output_shape == (None, 7)


def test_protocols():
    data = load("demo", verbose=False)
    st = profiles.resolve("smoke", {"b_train_images": 0})
    paper, clean = paper_b.protocol(data, "paper", st), paper_b.protocol(data, "clean", st)
    assert paper.selects_on_report and not clean.selects_on_report
    assert len(paper.fit) + len(paper.select) == len(data)
    assert abs(len(paper.select) / len(data) - 0.2) < 0.01
    assert not set(paper.fit) & set(paper.select)
    names = np.asarray(SPLITS)[data.splits]
    assert set(names[clean.fit]) == {"Training"} and set(names[clean.select]) == {"PublicTest"}
    assert set(names[clean.report]) == {"PrivateTest"}
    with pytest.raises(ValueError, match="unknown protocol 'x'"):
        paper_b.protocol(data, "x", st)


def test_time_arithmetic_shows_the_inconsistency():
    a = papers.time_arithmetic()
    assert a["sum_printed"] == "431:43:28" and a["sum_hours_over_10"] == "44:43:28"
    assert a["stated_total"] == "37:57:55" and not a["equal_as_printed"] and not a["equal_hours_over_10"]


@pytest.mark.slow
def test_fitness_is_deterministic_in_process_and_in_a_process_pool(tmp_path):
    data = load("demo", verbose=False)
    st = profiles.resolve("smoke", {"b_train_images": 200})
    proto = paper_b.protocol(data, "clean", st)
    genomes = [
        G.from_layers([4] * 6, [3] * 6, ["relu"] * 6, "Adam", 0.001),
        G.from_layers([2, 4, 2, 4, 2, 4], [1, 3, 5, 3, 1, 3], ["tanh", "elu"] * 3, "SGD", 0.01),
    ]
    here_task = paper_b.make_task(data, proto, st, tmp_path / "here")
    here = [paper_b.fitness(g, here_task, data) for g in genomes]
    assert all(r["trained_now"] for r in here)
    again = [paper_b.fitness(g, here_task, data) for g in genomes]  # from the store: nothing trained
    assert [r["fitness"] for r in again] == [r["fitness"] for r in here] and not any(r["trained_now"] for r in again)
    pool = executors.make("pool", workers=2)
    try:  # a fresh store: the workers train (and load the data) themselves
        there = dict(pool.run(paper_b.fitness_of(paper_b.make_task(data, proto, st, tmp_path / "there")), genomes))
    finally:
        pool.close()
    assert [there[i]["fitness"] for i in range(2)] == [r["fitness"] for r in here]
    assert all(there[i]["trained_now"] for i in range(2))


def test_one_measured_rate_costs_every_deciding_search_alike():
    """The machine's rate pooled over the searches (their FLOPs over their seconds) lies between
    each search's own, and a search costed at it gets the same rate whichever protocol names it."""
    from types import SimpleNamespace as NS

    st = profiles.resolve("cpu")
    fast = NS(protocol=NS(fit=range(100)), scored=[{"genome": G.TABLE2, "train_seconds": 10.0}] * 2)
    slow = NS(protocol=NS(fit=range(100)), scored=[{"genome": G.TABLE2, "train_seconds": 30.0}] * 2)
    own = [paper_b.measured_rate([s], st) for s in (fast, slow)]
    pooled = paper_b.measured_rate([fast, slow], st)
    assert own[1] < pooled < own[0] and pooled == pytest.approx(2 / (1 / own[0] + 1 / own[1]))
    assert np.isnan(paper_b.measured_rate([], st))
