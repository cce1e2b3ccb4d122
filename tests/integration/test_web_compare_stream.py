"""The compare view sends a code's first passages at once and streams the rest after them: every
passage arrives once, in order, escaped."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from tests.integration.test_web_app import PAYLOAD, client, source_id, web_study  # noqa: F401  (fixtures)
from theorize.web.compare_html import FIRST


def test_many_passages_arrive_once_in_order_and_escaped(client, web_study):  # noqa: F811
    sid = source_id(web_study)
    text = web_study.text(sid)
    web_study.add_code("many", stage="initial")
    spans = [(a, a + 3) for a in range(0, min(len(text) - 3, 40 * 4), 4)][:40]
    web_study.code_many([{"source": sid, "code": "many", "start": a, "end": b} for a, b in spans])
    code = int(web_study.codes().set_index("name").loc["many", "id"])
    with client.stream("GET", f"/compare?code={code}&code2={code}", headers={"Accept": "text/html"}) as response:
        assert response.status_code == 200
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        html = "".join(response.iter_text())
    ids = [int(i) for i in re.findall(r'<li class="passage" data-coding="(\d+)"', html)]
    expected = [p["id"] for p in web_study.passages(code)]
    assert len(expected) == 40 and ids == expected + expected  # two columns, each whole and in order
    assert html.count(f'<ol class="passages rest" start="{FIRST + 1}">') == 2
    assert "<script>alert" not in html and "<img src=x" not in html
    assert html.rstrip().endswith("</html>")
