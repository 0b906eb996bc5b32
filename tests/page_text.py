"""What a person sees on a page, and the Latin words in it (issue 9 item 4): shared by the page
walk (tests/project/test_page_language.py) and the page tests of the apps.

The one list of Latin words a Chinese page may show is `ALLOWED`: names of file formats, encodings
and units that Chinese users call by their Latin names, and the language switch's own name. Tokens
with a digit (ID numbers ending in X, credit codes, passport numbers, rule ids) are never counted.
"""
import re

import lxml.html

ALLOWED = frozenset({"PDF", "Excel", "QR", "English", "xlsx", "XLSX", "CSV", "csv", "JPEG", "PNG", "TIFF", "MB", "KB", "GBK", "UTF-8", "API", "ID"})

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-@/]*")
TOKEN = re.compile(r"\S+")


def visible_text(html: str) -> list[str]:
    """The strings a person sees on the page and its title: no script, style, template, hidden
    element, tooltip (title attributes and an SVG's <title>) or body of a closed <details> (its
    summary stays); placeholders and button values in."""
    doc = lxml.html.document_fromstring(html)
    for gone in doc.xpath("//script|//style|//template|//noscript|//*[@hidden]|//*[@aria-hidden='true']"
                          "|//details[not(@open)]/*[not(self::summary)]|//input[@type='hidden']|//datalist"):
        gone.drop_tree()
    out = [t for t in doc.xpath("/html/head/title//text()|//body//text()[not(ancestor::*[local-name()='title'])]") if t.strip()]
    out += doc.xpath("//@placeholder")
    out += doc.xpath("//input[@type='submit' or @type='button']/@value")
    return out


def latin_words(texts, allowed=ALLOWED) -> set[str]:
    """The Latin words of the texts that are not allowed (a token with a digit never counts)."""
    found = set()
    for text in texts:
        for token in TOKEN.findall(text):
            if any(c.isdigit() for c in token):
                continue
            for word in LATIN_WORD.findall(token):
                word = word.strip(".-_/@")
                if word and word not in allowed:
                    found.add(word)
    return found


def words_of(values) -> set[str]:
    """The Latin words of values users entered (or user names): allowed wherever they show."""
    words = set()
    for value in values:
        words |= {w.strip(".-_/@") for w in LATIN_WORD.findall(value)} | {w.strip(".-_/@") for w in TOKEN.findall(value)}
    return words
