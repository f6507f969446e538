"""Every verbatim quote in the knowledge base is found in the seed review it cites.

This is the typo guard for transcription: a quote carries the numbers a record
states, so a quote that is not in the source text fails CI.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from nenboard.knowledge.dates import citations_in as _citations
from tests.conftest import SHARED

SEEDS = SHARED / "seeds"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\\geq", "≥").replace("\\leq", "≤").replace("\\%", "%")
    text = re.sub(r"[*_`$]|</?[a-z]{1,4}>|\^\{|\}", "", text)  # markdown, LaTeX math and html from extraction
    text = text.replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-")
    text = text.replace("\u2212", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.fixture(scope="module")
def seed_texts(kb):
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS}")
    texts = {}
    for sid, src in kb.sources.items():
        if src.file and (SEEDS / src.file).exists():
            raw = (SEEDS / src.file).read_text(encoding="utf-8")
            texts[sid] = (_norm(raw), _norm(raw.replace("-\n", "")))
    return texts


def test_every_quote_is_in_its_source(kb, seed_texts):
    missing = []
    checked = 0
    for kind, rec in kb.records():
        for cit in _citations(rec):
            if cit.quote and cit.source in seed_texts:
                checked += 1
                quote = _norm(cit.quote)
                if not any(quote in text for text in seed_texts[cit.source]):
                    missing.append(f"{kind}:{rec.id} [{cit.source}] {cit.quote[:90]!r}")
    assert checked > 200, "expected a well-quoted knowledge base"
    assert not missing, f"{len(missing)} quotes not found in their source:\n" + "\n".join(missing)
