"""Machine help, measured: suggestions against researcher A beside researcher B against A on the demo
study, similar-passage neighbours across interviews, embedding speed, and search time at 100,000
(exact) and 1,000,000 units (approximate, with its recall@10 against exact search in the same run).

Run: .venv/bin/python benches/bench_assist.py [--project demo.theorize] [--skip-scale]
     [--units 100000] [--big 1000000] [--queries 200]

``--project`` copies a built demo project (``theorize demo DIR``) instead of building one. The
suggestions are made for each client interview in turn (leave one interview out): learned from A's
focused codings of the other eleven interviews, threshold chosen by cross-validation on them, then
all accepted in a copy so that `agreement` counts them, and compared with A's codings by sentence;
then again as suggestions were made before (the baseline, same run; ``--skip-baseline`` leaves it out).
``agreement --with-pending`` would give the same figures without accepting anything.
The vectors at scale are the demo's sentence vectors with Gaussian noise added (renormalised), so
that they have the clustered shape of real passages. Numbers, not pass/fail.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

import theorize
from theorize.assist.index import ExactIndex, InvertedFileIndex, top_k
from theorize.assist.registry import embedder
from theorize.assist.units import overlaps
from theorize.services.assist import machine_coder_name

A, B = "Dr. Lena Marsh", "Sam Okoye"


def demo_project(given: str | None, workdir: Path) -> Path:
    target = workdir / "bench.theorize"
    if given:
        shutil.copy(given, target)
        return target
    from theorize.demo import build_demo

    result = build_demo(workdir / "demo")
    shutil.copy(result.project, target)
    return target


def embedding_speed(study) -> tuple[float, float, int]:
    """Sentences per second of wall time, and per CPU second of this process (all its threads),
    for the demo's sentences (a fresh embedder, model loaded). On a shared machine the second,
    times the cores, is what the cores would do for us alone."""
    frame = study.corpus(unit="sentence").frame
    texts = [f"{t} " for t in frame.text.tolist()[:1500]]  # a trailing space: not a cached vector
    emb = type(embedder())()
    emb.embed(["warm up"])
    began, cpu = time.perf_counter(), time.process_time()
    emb.embed(texts)
    return len(texts) / (time.perf_counter() - began), len(texts) / (time.process_time() - cpu), len(texts)


def machine_against_a(path: Path, label: str = "") -> None:
    study = theorize.open_project(path, user=A)
    clients = [s for s in study.sources().name if s.startswith("C")]
    everyone = list(study.sources().name)
    fits, began = [], time.perf_counter()
    for held in clients:
        run = study.suggest(
            [held], stage="focused", learn_from=A, learn_sources=[s for s in everyone if s != held], only_uncoded=False
        )
        fits.append(run)
    seconds = time.perf_counter() - began
    machine = machine_coder_name(embedder().model_id)
    made = study.suggestions()
    study.decide_suggestions(accept=True, min_confidence=0.0)
    ab = study.agreement(coders=[A, B], sources=clients, stage="focused", unit="sentence", resamples=0).to_frame()
    am = study.agreement(coders=[A, machine], sources=clients, stage="focused", unit="sentence", resamples=0).to_frame()
    table = (
        ab[["code", "alpha"]]
        .rename(columns={"alpha": "B_vs_A"})
        .merge(am[["code", "alpha"]].rename(columns={"alpha": "machine_vs_A"}), on="code", how="outer")
    )
    methods: dict[str, int] = {}
    for r in fits:
        learned = r.model_id.split("/", 1)[1]  # what the sentence was read with, and the learner
        methods[learned] = methods.get(learned, 0) + 1
    print(
        f"{label}suggestions, leave one client interview out ({len(clients)} runs, {seconds:.0f} s): "
        f"{len(made)} suggested; learners chosen {methods}"
    )
    print(
        f"  cross-validated on the training interviews: precision {statistics.mean(r.precision for r in fits):.2f}, "
        f"recall {statistics.mean(r.recall for r in fits):.2f}, threshold "
        f"{statistics.mean(r.threshold for r in fits):.2f} (means over runs)"
    )
    precision, recall = _precision_recall(study, clients, machine)
    print(f"  on the held-out interviews, by sentence and code: precision {precision:.2f}, recall {recall:.2f}")
    print("Krippendorff's alpha (nominal, presence by sentence, focused codes, the 8 client interviews):")
    print(f"  {'code':44s} {'B vs A':>7s} {'machine vs A':>13s}")
    for row in table.itertuples():
        b = "" if row.B_vs_A != row.B_vs_A else f"{row.B_vs_A:7.2f}"
        m = "" if row.machine_vs_A != row.machine_vs_A else f"{row.machine_vs_A:13.2f}"
        print(f"  {str(row.code)[:44]:44s} {b:>7s} {m:>13s}")
    study.close()


@contextlib.contextmanager
def as_before():
    """Suggestions learned as they were before the question, the mean learner and the chosen
    number of codes per sentence came in: the baseline, measured in the same run."""
    from theorize.assist import suggest as learning
    from theorize.services import assist

    saved = (assist.QUESTION_WEIGHTS, learning.METHODS, learning.CodeSuggester)

    class Before(learning.CodeSuggester):
        def __init__(self, method: str = "auto", per_unit: int = 2) -> None:
            super().__init__(method=method, per_unit=per_unit, choose_per_unit=False)

    assist.QUESTION_WEIGHTS, learning.METHODS, learning.CodeSuggester = (0.0,), ("knn", "prototype", "linear"), Before
    try:
        yield
    finally:
        assist.QUESTION_WEIGHTS, learning.METHODS, learning.CodeSuggester = saved


def _sentence_pairs(study, coder: str, sources: list[str]) -> set[tuple[int, int, int]]:
    """(source id, sentence start, code id) for every sentence a coder's focused codings mark."""
    frame = study.corpus(unit="sentence").frame
    codings = study.codings(coder=coder, with_text=False)
    codings = codings[(codings.stage == "focused") & codings.source.isin(sources) & (codings.status == "accepted")]
    out = set()
    for sid, rows in frame.groupby("source_id").indices.items():
        starts, ends = frame.start.to_numpy()[rows], frame.end.to_numpy()[rows]
        for c in codings[codings.source_id == sid].itertuples():
            for r in rows[overlaps(starts, ends, c.start, c.end)]:
                out.add((int(sid), int(frame.start.iloc[r]), int(c.code_id)))
    return out


def _precision_recall(study, sources: list[str], machine: str) -> tuple[float, float]:
    truth, made = _sentence_pairs(study, A, sources), _sentence_pairs(study, machine, sources)
    hit = len(truth & made)
    return hit / max(len(made), 1), hit / max(len(truth), 1)


def neighbours_share_codes(path: Path) -> None:
    """For each sentence A coded (focused), its 5 nearest sentences in other interviews."""
    study = theorize.open_project(path, user=A)
    corpus = study.corpus(unit="sentence")
    frame, vectors = corpus.frame, corpus.vectors
    codes: list[set[int]] = [set() for _ in range(len(frame))]
    codings = study.codings(coder=A, with_text=False)
    codings = codings[(codings.stage == "focused") & (codings.status == "accepted")]
    for sid, rows in frame.groupby("source_id").indices.items():
        starts, ends = frame.start.to_numpy()[rows], frame.end.to_numpy()[rows]
        for c in codings[codings.source_id == sid].itertuples():
            for r in rows[overlaps(starts, ends, c.start, c.end)]:
                codes[r].add(int(c.code_id))
    coded = np.array([bool(c) for c in codes])
    source = frame.source_id.to_numpy()
    for label, pool in (("among all sentences", np.ones(len(frame), bool)), ("among coded sentences", coded)):
        hits, shares = [], []
        for i in np.flatnonzero(coded):
            allowed = np.flatnonzero(pool & (source != source[i]))
            top = allowed[np.argsort(-(vectors[allowed] @ vectors[i]))[:5]]
            share = [bool(codes[j] & codes[i]) for j in top]
            hits.append(any(share))
            shares.append(np.mean(share))
        print(
            f"top-5 neighbours from other interviews {label} ({coded.sum()} coded sentences): "
            f"one shares a code {np.mean(hits):.2f}; share of the five {np.mean(shares):.2f}"
        )
    study.close()


def scaled(base: np.ndarray, n: int, rng: np.random.Generator, noise: float = 0.5) -> np.ndarray:
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for first in range(0, n, 100_000):
        m = min(100_000, n - first)
        v = base[rng.integers(0, len(base), m)] + rng.normal(0, noise / np.sqrt(base.shape[1]), (m, base.shape[1]))
        out[first : first + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def timed(fn, queries: np.ndarray) -> tuple[float, float, float]:
    """(median, p95) of a query's wall time and the median of its CPU time (all threads), in ms:
    on a shared machine the wall time includes waiting for a core."""
    wall, cpu = [], []
    for q in queries:
        began, used = time.perf_counter(), time.process_time()
        fn(q)
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return float(np.median(wall)), float(np.percentile(wall, 95)), float(np.median(cpu))


def show(figures: tuple[float, float, float]) -> str:
    return f"median {figures[0]:.1f} ms, p95 {figures[1]:.1f} ms (CPU median {figures[2]:.1f} ms)"


def p95_ms(index, queries: np.ndarray, k: int = 10) -> str:
    return show(timed(lambda q: index.search(q[None, :], k), queries))


def gathered_top(vectors: np.ndarray, query: np.ndarray, keep: np.ndarray, k: int = 10) -> np.ndarray:
    """The search as it was before (the baseline): the allowed rows copied out, then scored and sorted."""
    candidates = np.flatnonzero(keep)
    scores = vectors[candidates] @ query
    return candidates[np.argsort(-scores, kind="stable")[:k]]


def search_at_scale(path: Path, units: int, big: int, n_queries: int, noise: float) -> None:
    study = theorize.open_project(path)
    corpus = study.corpus(unit="sentence")
    base = corpus.vectors
    print(f"vectors at scale: {len(base):,} demo sentence vectors plus Gaussian noise of norm {noise}, renormalised")
    rng = np.random.default_rng(0)
    queries = scaled(base, n_queries, rng, noise)
    texts = corpus.frame.text.sample(min(n_queries, 100), random_state=0).tolist()
    study.similar(text="warm up", k=10)
    service = timed(lambda q: study.similar(text=q, k=10), np.array(texts, dtype=object))
    print(
        f"study.similar(text=..., k=10) on the demo ({len(base):,} sentences; embeds the words, reads "
        f"the codings, masks, searches): {show(service)}"
    )
    study.close()
    vectors = scaled(base, units, rng, noise)
    half = rng.random(units) < 0.5  # a filter leaving half the units (e.g. a group)
    load = os.getloadavg()[0]
    for label, keep in (("no filter", None), ("a filter leaving half", half)):
        mask = np.ones(units, bool) if keep is None else keep
        before = timed(lambda q, m=mask: gathered_top(vectors, q, m), queries[:50])
        now = timed(lambda q, m=keep: top_k(vectors, q, 10, m), queries)
        print(
            f"exact search, {units:,} units, {label}: in place {show(now)}; baseline (rows copied "
            f"out, then sorted) {show(before)}"
        )
    print(f"  ({n_queries} queries, k=10, load average {load:.1f} -> {os.getloadavg()[0]:.1f})")
    del vectors
    vectors = scaled(base, big, rng, noise)
    began = time.perf_counter()
    approx = InvertedFileIndex().fit(vectors)
    built = time.perf_counter() - began
    exact = ExactIndex().fit(vectors)
    print(
        f"approximate search, {big:,} units: index built in {built:.0f} s ({approx.lists_} lists, "
        f"{approx.probes} probed): query {p95_ms(approx, queries)}; "
        f"exact in the same run {p95_ms(exact, queries[:20])}"
    )
    _, truth = exact.search(queries, 10)
    _, found = approx.search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(truth, found)])
    print(f"  recall@10 of the approximate index against exact search: {recall:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default=None, help="a built demo project to copy (default: build one)")
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-scale", action="store_true", help="leave out the 100,000 and 1,000,000 unit runs")
    parser.add_argument("--skip-baseline", action="store_true", help="leave out the suggestions as they were before")
    parser.add_argument("--scale-only", action="store_true", help="only the 100,000 and 1,000,000 unit runs")
    parser.add_argument("--noise", type=float, default=0.5, help="norm of the noise added to make vectors at scale")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = demo_project(args.project, Path(tmp))
        study = theorize.open_project(path, user=A)
        began = time.perf_counter()
        run = study.embed_units()
        print(
            f"embedded the demo: {run.units:,} sentences and turns, {run.computed:,} through the model "
            f"in {time.perf_counter() - began:.0f} s ({run.model_id})"
        )
        study.close()
        if not args.scale_only:
            speed, per_cpu, n = embedding_speed(theorize.open_project(path))
            print(
                f"embedding speed: {speed:.0f} sentences/s ({n} demo sentences, onnxruntime on {os.cpu_count()} "
                f"cores, load average {os.getloadavg()[0]:.1f}); {per_cpu:.0f} per CPU second, so "
                f"{per_cpu * os.cpu_count():.0f}/s on {os.cpu_count()} cores not shared"
            )
            neighbours_share_codes(path)
            if not args.skip_baseline:
                baseline = Path(tmp) / "baseline.theorize"
                shutil.copy(path, baseline)
                with as_before():
                    machine_against_a(
                        baseline,
                        label="BASELINE (as before: sentence in turn, no question, "
                        "knn/prototype/linear, up to 2 codes a sentence): ",
                    )
            machine_against_a(path, label="NOW: ")
        if not args.skip_scale:
            search_at_scale(path, args.units, args.big, args.queries, args.noise)


if __name__ == "__main__":
    main()
