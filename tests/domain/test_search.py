"""Search over the content pages: in the reader's language, forgiving case, accents and
Arabic-script letter forms, Chinese without spaces, bounded, best match first."""
from __future__ import annotations

from portal.search import MAX_QUERY, MAX_TERMS, search, terms


def _slugs(lang: str, query: str) -> list[str]:
    return [result.slug for result in search(lang, query)]


def test_a_title_word_finds_its_page_first_in_the_readers_language():
    assert _slugs("pl", "opiekunowie")[0] == "carers"
    assert _slugs("en", "CARERS")[0] == "carers"
    results = search("pl", "opiekunowie")
    assert results[0].title == "Opiekunowie" and not results[0].easy_read


def test_accents_and_letter_forms_are_forgiven():
    assert "carers" in _slugs("pl", "opiekun moze")  # "może" typed without its accent
    assert "reviews" in _slugs("ar", "المراجعات")
    assert "reviews" in _slugs("ar", "المراجعات".replace("ا", "أ", 1))  # another form of alif


def test_chinese_is_matched_without_spaces():
    assert "carers" in _slugs("zh", "照顾者能看到什么")


def test_a_result_points_at_the_block_that_matched():
    result = next(r for r in search("en", "personal budget") if r.slug == "money-and-contributions")
    assert result.block_id and result.block_title


def test_nonsense_and_empty_queries_find_nothing():
    assert search("en", "zzzzqqq") == [] and search("en", "") == [] and search("en", "!!! ?") == []


def test_a_query_is_bounded():
    assert len(terms("word " * 1000)) <= MAX_TERMS
    assert terms("a" * (MAX_QUERY * 10)) == ["a" * MAX_QUERY]
