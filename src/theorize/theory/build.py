"""From the project's codebook state (now, or a snapshot) to a TheoryModel. Pure."""

from __future__ import annotations

from theorize.domain.theory import CategoryRole, ModelCategory, ModelRelation, ModelStage, TheoryModel


def model_from_state(state: dict, title: str) -> TheoryModel:
    """Build the model from a codebook state as stored in snapshots.

    Categories are the codes placed in the model; relations are those between placed categories.
    """
    model_state = state.get("model") or {"stages": [], "roles": [], "properties": []}
    codes = {c["id"]: c for c in state["codes"] if not c.get("merged_into_id")}
    props: dict[int, dict[str, list[str]]] = {}
    for p in model_state["properties"]:
        props.setdefault(p["code_id"], {"property": [], "dimension": []})[p["kind"]].append(p["text"])
    roles = {r["code_id"]: r for r in model_state["roles"] if r["code_id"] in codes}
    categories = []
    for code_id, r in roles.items():
        c = codes[code_id]
        p = props.get(code_id, {"property": [], "dimension": []})
        categories.append(
            ModelCategory(
                id=str(code_id),
                name=c["name"],
                role=CategoryRole(r["role"]),
                definition=c.get("definition", ""),
                properties=tuple(p["property"]),
                dimensions=tuple(p["dimension"]),
            )
        )
    stages = []
    for s in sorted(model_state["stages"], key=lambda s: s["position"]):
        members = tuple(str(cid) for cid, r in roles.items() if r["stage_id"] == s["id"] and r["role"] == "stage")
        stages.append(ModelStage(order=s["position"], name=s["name"], category_ids=members))
    relations = [
        ModelRelation(str(r["source_code_id"]), str(r["target_code_id"]), r["type"])
        for r in state.get("relations", [])
        if r["source_code_id"] in roles and r["target_code_id"] in roles
    ]
    core = next((str(cid) for cid, r in roles.items() if r["role"] == "core"), None)
    return TheoryModel(title=title, categories=categories, stages=stages, relations=relations, core_category_id=core)
