"""The fast layout of a web page (libxslt with marks) gives what walking the tree gives."""

from __future__ import annotations

import pytest

from theorize.ingest import html, read_source_bytes
from theorize.ingest.layout import TextLayout

PAGES = [
    "<html><body><h1>Title</h1><p><b>Interviewer:</b> How did it start?</p><p>C03: With the judge.</p></body></html>",
    "<p>one<br>two <br/> three</p><div>a <span>b</span>\n  c<div>nested</div>tail</div>",
    "<pre>  keep   this\n    as it is\n</pre><p>then   collapse\tthis</p>",
    "<ul><li>first</li><li>second <i>item</i></li></ul><table><tr><td>cell</td><td>two</td></tr></table>",
    "<head><title>hidden</title><style>p{}</style></head><body><script>var x</script>shown<!-- c -->after</body>",
    "plain words only",
    "<p>caf&eacute; &amp; &nbsp;co</p><p>   </p><p>\r\nline</p>",
]


@pytest.mark.parametrize("page", PAGES)
def test_the_fast_layout_matches_the_walk(page):
    root = html._parse(page)
    fast, walked = TextLayout(), TextLayout()
    html._lay_out(str(html._visible_text()(root)), fast)
    html._Walker(walked).walk(root)
    assert fast.text() == walked.text()


def test_a_page_using_private_use_marks_is_still_read():
    src = read_source_bytes("<p>Interviewer: a \ue000 mark</p><p>C03: b</p>".encode(), "odd.html")
    assert "a \ue000 mark" in src.text
