"""Theory models for the layout and diagram tests: the demo study's and random ones."""

from __future__ import annotations

import random

from theorize.domain.theory import CategoryRole, ModelCategory, ModelRelation, ModelStage, TheoryModel

C = CategoryRole


def demo_model() -> TheoryModel:
    """The demo study's model: from compliance to alliance."""
    cats = [
        ModelCategory("shadow", "Living in the court's shadow", C.CONDITION),
        ModelCategory("complying", "Complying to get through", C.STAGE),
        ModelCategory("testing", "Testing the counselor", C.STAGE),
        ModelCategory("finding", "Finding the person behind the role", C.STAGE),
        ModelCategory("negotiating", "Negotiating shared goals", C.STAGE),
        ModelCategory("rupture", "Rupture and repair", C.CONTEXT),
        ModelCategory("for_me", "Doing it for me", C.CONSEQUENCE),
        ModelCategory("guarded", "Staying guarded", C.CONSEQUENCE),
        ModelCategory("core", "From compliance to alliance", C.CORE),
    ]
    stages = [
        ModelStage(1, "Complying to get through", ("complying",)),
        ModelStage(2, "Testing the counselor", ("testing",)),
        ModelStage(3, "Finding the person behind the role", ("finding",)),
        ModelStage(4, "Negotiating shared goals", ("negotiating",)),
    ]
    R = ModelRelation
    relations = [
        R("shadow", "complying", "is a condition for"),
        R("complying", "testing", "leads to"),
        R("testing", "finding", "leads to"),
        R("finding", "negotiating", "leads to"),
        R("negotiating", "for_me", "leads to"),
        R("rupture", "testing", "leads to"),
        R("testing", "guarded", "leads to"),
        R("for_me", "guarded", "contrasts with"),
        R("shadow", "rupture", "is a condition for"),
    ]
    return TheoryModel("From compliance to alliance", cats, stages, relations, "core")


WORDS = ["help", "trust", "negotiating", "boundaries", "family", "court", "stigma", "recovery", "accountability", "of"]


def random_model(seed: int, n: int = 20, n_stages: int = 5, n_relations: int = 30) -> TheoryModel:
    """Twenty categories over five stages with random relations of every kind (back, same column, core)."""
    rng = random.Random(seed)
    roles = [C.CONDITION] * 3 + [C.STAGE] * (n - 8) + [C.CONTEXT] * 2 + [C.CONSEQUENCE] * 2 + [C.CORE]
    cats = [
        ModelCategory(f"c{i}", " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5))).capitalize(), role)
        for i, role in enumerate(roles)
    ]
    in_stages = [c.id for c in cats if c.role == C.STAGE]
    stages = [ModelStage(k + 1, f"Stage {k + 1}", tuple(in_stages[k::n_stages])) for k in range(n_stages)]
    labels = ["leads to", "is a condition for", "contrasts with", "shapes"]
    ids = [c.id for c in cats]
    relations = [ModelRelation(*rng.sample(ids, 2), rng.choice(labels)) for _ in range(n_relations)]
    return TheoryModel("Random", cats, stages, relations, cats[-1].id)
