"""Print catalog and content completeness per language (`make i18n-status`).

Catalog: share of messages.pot entries translated (not fuzzy) in each language.
Content: share of English content pages present in each language (Easy Read is English
only), and how many of those are marked reviewed rather than draft.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.content import CONTENT_DIR, parse  # noqa: E402
from portal.i18n import DEFAULT_LANGUAGE, LANGUAGES  # noqa: E402


def catalog_share(code: str, wanted: set) -> float:
    if code == DEFAULT_LANGUAGE:
        return 1.0
    po = ROOT / "translations" / code / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return 0.0
    with po.open("rb") as f:
        catalog = read_po(f, locale=code)
    done = {m.id for m in catalog if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else (m.string,))}
    return len(wanted & done) / len(wanted) if wanted else 1.0


def main() -> int:
    with (ROOT / "translations" / "messages.pot").open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    english = sorted(p.name for p in (CONTENT_DIR / DEFAULT_LANGUAGE).glob("*.md") if not p.name.endswith(".easy-read.md"))
    print(f"{'language':<28} {'catalog':>8} {'content':>8} {'reviewed':>9}")
    complete = True
    for code, lang in LANGUAGES.items():
        present = [CONTENT_DIR / code / name for name in english if (CONTENT_DIR / code / name).exists()]
        reviewed = sum(1 for p in present if parse(p, code).translation_status == "reviewed")
        cat = catalog_share(code, wanted)
        content = len(present) / len(english) if english else 1.0
        complete &= cat == 1.0 and content == 1.0
        print(f"{lang.english_name + ' (' + code + ')':<28} {cat:>8.0%} {content:>8.0%} {reviewed:>4}/{len(present):<4}")
    print(f"{len(wanted)} catalog messages, {len(english)} content pages in English")
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
