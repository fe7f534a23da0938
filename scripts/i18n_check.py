"""Fail when the catalogs are out of step with the code.

1. The committed translations/messages.pot equals a fresh extraction.
2. Every supported language has a catalog with no untranslated or fuzzy entry.
3. Placeholders (%(name)s, {name}, %{count}) and HTML tags are the same in msgid and msgstr.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.i18n import DEFAULT_LANGUAGE, LANGUAGES  # noqa: E402

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%\{[a-z_]+\}|\{[a-z_]+\}")
TAG = re.compile(r"</?[a-z][a-z0-9]*")


def extract(target: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "N_", "--omit-header", "--sort-output", "--no-wrap", "--add-location=file",
         "-o", str(target), "portal"],
        cwd=ROOT, check=True, capture_output=True,
    )


def shape(text: str) -> tuple[list[str], list[str]]:
    return sorted(PLACEHOLDER.findall(text)), sorted(TAG.findall(text))


def main(only: list[str]) -> int:
    """With language codes, check just those catalogs against the committed template
    (for translators working on one language before it is switched on)."""
    problems: list[str] = []
    committed = ROOT / "translations" / "messages.pot"
    if only:
        with committed.open("rb") as f:
            template = read_po(f)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "messages.pot"
            extract(fresh)
            if not committed.exists() or committed.read_text() != fresh.read_text():
                problems.append("translations/messages.pot is stale: run `make i18n-update` and translate")
            with fresh.open("rb") as f:
                template = read_po(f)
    wanted = {m.id for m in template if m.id}
    for code in only or LANGUAGES:
        if code == DEFAULT_LANGUAGE:
            continue
        po_path = ROOT / "translations" / code / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            problems.append(f"{code}: no catalog at {po_path.relative_to(ROOT)}")
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=code)
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strs = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                problems.append(f"{code}: fuzzy: {ids[0][:60]!r}")
            if not all(strs):
                problems.append(f"{code}: untranslated: {ids[0][:60]!r}")
                continue
            for translated in strs:
                if shape(translated) != shape(ids[0]):
                    problems.append(f"{code}: placeholders or tags differ: {ids[0][:60]!r}")
        missing = wanted - {m.id for m in catalog if m.id}
        for msgid in sorted(missing, key=str)[:20]:
            problems.append(f"{code}: missing: {str(msgid)[:60]!r}")
    for line in problems:
        print(line)
    print(f"i18n-check: {len(wanted)} messages, {len(only or LANGUAGES)} languages, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
