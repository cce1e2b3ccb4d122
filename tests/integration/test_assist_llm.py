"""A local language model's gerund labels and memo drafts: every prompt and answer in the audit
trail, a quotation that is not the participants' words removed and counted, no socket opened."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.integration import assist_study
from theorize.store import schema as t


class Scripted:
    """A language model that answers from a script (the model is not what these tests are about)."""

    model_id = "scripted-model"

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.prompts: list[str] = []

    def complete(self, prompt: str, *, max_tokens: int = 256) -> str:
        self.prompts.append(prompt)
        return self.answer


def exchanges(study) -> list[dict]:
    with study.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(t.machine_exchange).order_by(t.machine_exchange.c.id)).mappings()]


def test_a_memo_draft_keeps_only_verbatim_quotations_and_the_audit_has_prompt_and_answer(project):
    assist_study.build(project)
    answer = (
        'Clients fear the court: "I was scared the judge would send me to jail" and '
        '"the judge hated me". They also say "every time I went to court".'
    )
    model = Scripted(answer)
    draft = project.draft_memo("fearing the judge", model=model)
    assert draft.quotes_kept == ["I was scared the judge would send me to jail", "Every time I went to court"]
    assert draft.quotes_dropped == ["the judge hated me"]
    assert "hated" not in draft.text and "[quotation removed: not the participants' words]" in draft.text
    assert "I lay awake afraid of the sanction hearing." in model.prompts[0]
    [row] = exchanges(project)
    assert (row["task"], row["model_id"], row["quotes_dropped"]) == ("memo draft", "scripted-model", 1)
    assert row["prompt"] == model.prompts[0] and row["answer"] == answer
    assert json.loads(row["kept"])["quotes_dropped"] == ["the judge hated me"]
    event = project.audit().iloc[-1]
    assert event.action == "machine memo draft"
    assert event.summary == (
        "asked scripted-model for a memo draft on 'fearing the judge': 2 quotations kept, 1 not verbatim and removed"
    )
    assert project.memos().empty  # a draft, not a memo
    facts = project.machine_help_facts()
    assert facts["language_model_exchanges"] == [
        {"task": "memo draft", "model_id": "scripted-model", "count": 1, "quotes_dropped": 1}
    ]


def test_gerund_labels_keep_only_gerunds(project):
    assist_study.build(project)
    coding = int(project.codings(code="doing my time").id.iloc[0])
    draft = project.propose_labels(coding=coding, model=Scripted("1. Counting the days\n2. Time\n3. Serving time"))
    assert draft.labels == ["counting the days", "serving time"]
    [row] = exchanges(project)
    assert "I was just doing my time in the program." in row["prompt"]
    assert json.loads(row["kept"]) == {"labels": ["counting the days", "serving time"], "not_labels": ["Time"]}


@pytest.mark.slow
def test_the_small_local_model_answers_offline_and_is_audited(project, monkeypatch):
    pytest.importorskip("llama_cpp")
    from theorize.assist.llm import LlamaCppModel

    assist_study.build(project)
    assist_study.refuse_network(monkeypatch)
    model = LlamaCppModel(context=512)
    coding = int(project.codings(code="fearing the judge").id.iloc[0])
    draft = project.propose_labels(coding=coding, model=model)
    assert draft.model_id.startswith("SmolLM2-135M-Instruct.Q4_1.gguf@")
    assert all(label.split()[0].endswith("ing") for label in draft.labels)
    [row] = exchanges(project)
    assert row["model_id"] == draft.model_id and row["answer"]
    again = project.propose_labels(coding=coding, model=model)
    assert again.labels == draft.labels  # greedy decoding: the same answer to the same prompt
