"""Issue 19 in a real browser: a link whose values and names carry Markdown, HTML and TeX shows
them as text.  The notice's DOM (inside shadow roots) holds no link, image or MathJax output,
the page requests nothing from the hosts named in the link, and logs no console error."""

from __future__ import annotations

import urllib.parse

import pytest

pytest.importorskip("pytest_playwright")
from playwright.sync_api import Page  # noqa: E402

from tests.browser_support import JS_CURVE_DATA, TIMEOUT_MS, PageProblems  # noqa: E402

pytestmark = pytest.mark.browser

LINK = {
    "recoil.mu_nu": "[click me](http://127.0.0.9:1/phish)",
    "recoil.target": "![a](http://127.0.0.9:1/t.png)",
    "[name](http://127.0.0.9:1/name)": "1",
    "recoil.![n](http://127.0.0.9:1/n.png)": "2",
    "$$\\href{http://127.0.0.9:1/tex}{tex}$$": "3",
    "<img src=http://127.0.0.9:1/i.png>": "www.evil.example",
}

# Every element in the document, through open shadow roots (Panel renders panes inside them).
JS_NOTICE_ELEMENTS = """() => {
  const found = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) walk(el.shadowRoot);
      found.push(el);
    }
  };
  walk(document);
  const notices = found.filter((el) => el.tagName === "DIV" && el.children.length > 0
                                       && el.textContent.includes("were not used"));
  const inside = notices.flatMap((el) => [...el.querySelectorAll("*")]);
  return {count: notices.length, text: notices.map((el) => el.textContent).join("\\n"),
          tags: [...new Set(inside.map((el) => el.tagName.toLowerCase()))],
          links: inside.filter((el) => el.hasAttribute("href") || el.hasAttribute("src")
                                       || el.hasAttribute("xlink:href")).length};
}"""


def test_link_text_is_shown_literally_in_the_browser(page: Page, app_url):
    problems = PageProblems(page, app_url)
    page.goto(f"{app_url}/app?" + urllib.parse.urlencode(LINK))
    page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                           timeout=TIMEOUT_MS)
    page.wait_for_function(f"(c) => ({JS_CURVE_DATA})(c).some((s) => s.y.some((v) => v !== null))",
                           arg=["total", "T_keV", "rate"], timeout=TIMEOUT_MS)
    page.wait_for_function(f"() => ({JS_NOTICE_ELEMENTS})().text.includes('click me')",
                           timeout=TIMEOUT_MS)
    found = page.evaluate(JS_NOTICE_ELEMENTS)
    assert found["links"] == 0, found
    assert not {"a", "img", "svg", "mjx-container", "script", "iframe"} & set(found["tags"]), found
    for text in ("[click me](http://127.0.0.9:1/phish)", "![a](http://127.0.0.9:1/t.png)",
                 "[name](http://127.0.0.9:1/name)", "$$\\href{http://127.0.0.9:1/tex}{tex}$$"):
        assert text in found["text"], (text, found["text"])
    problems.assert_clean()  # no console error, and no request left the app's origin
