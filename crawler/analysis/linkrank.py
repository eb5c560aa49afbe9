"""Choosing which same-site pages of a body to fetch: those most likely to name its accounts.

The page budget per body is small (10 by default), so the Impressum, the privacy notice, the
contact and press pages and any "social media" page come before news, calendars and archives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urldefrag, urlsplit

from crawler.detection.domains import url_domain
from crawler.detection.page import ParsedPage

# (pattern over the lower-cased link text + URL path, score). Several may add up.
KEYWORD_SCORES: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern), score)
    for pattern, score in (
        (r"impressum|imprint|legal[-_ ]notice|anbieterkennzeichnung", 100),
        (r"social[-_ ]?media|soziale[-_ ]?(medien|netzwerke)|folgen sie uns|follow us", 95),
        (r"datenschutz|privacy|dsgvo", 80),
        (r"kontakt|contact", 70),
        (r"presse|press|medien|newsroom", 60),
        (r"whatsapp|facebook|instagram|mastodon|youtube|kanal|channel|newsletter", 50),
        (r"(ü|ue)ber[-_ ]uns|about|rathaus|verwaltung|b(ü|ue)rgerservice", 20),
    )
)
PENALTIES: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern), score)
    for pattern, score in (
        (r"kalender|calendar|veranstaltung|termine|events?\b", -60),
        (r"archiv|archive|news|aktuelles|meldung|artikel|blog|\d{4}/\d{2}", -40),
        (r"login|anmelden|suche|search|sitemap|druck|print", -50),
    )
)
# Links in these landmarks are site-wide navigation, where account and legal links live.
LANDMARK_BONUS = 15
LANDMARKS = frozenset({"header", "footer", "nav"})
LANDMARK_HINT = re.compile(r"footer|header|navigation|\bnav\b|meta-?nav|service-?nav", re.I)

SKIPPED_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx ppt pptx odt ods zip rar 7z gz jpg jpeg png gif svg webp ico mp3 mp4 "
    "avi mov wmv ics vcf xml rss json css js exe dmg apk".split()
)
SESSION_PARAMS = re.compile(r"(^|[;&?])(jsessionid|phpsessid|sid|sessionid|s)=", re.I)
MAX_URL_LENGTH = 500


@dataclass(frozen=True, slots=True)
class Candidate:
    """A same-site link worth fetching, with the score that ranks it."""

    url: str
    score: int
    order: int


# Most links match no keyword at all: one search over every pattern rules them out at once.
ALL_PATTERNS = (*KEYWORD_SCORES, *PENALTIES)
ANY_PATTERN = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in ALL_PATTERNS))


def _is_landmark(node: object) -> bool:
    tag = node.tag if isinstance(node.tag, str) else ""  # type: ignore[attr-defined]
    if tag in LANDMARKS:
        return True
    hint = f"{node.get('id', '')} {node.get('class', '')}"  # type: ignore[attr-defined]
    return LANDMARK_HINT.search(hint) is not None


def _in_landmark(element: object, known: dict[object, bool]) -> bool:
    """Whether one of the element's 12 nearest ancestors is a landmark (``known`` memoises)."""
    node = element
    for _ in range(12):
        node = node.getparent()  # type: ignore[attr-defined]
        if node is None:
            return False
        landmark = known.get(node)
        if landmark is None:
            landmark = known[node] = _is_landmark(node)
        if landmark:
            return True
    return False


@lru_cache(maxsize=16384)
def _patterns_in(part: str) -> frozenset[int]:
    """Indexes of the patterns found in one lower-cased part (link texts and paths recur)."""
    if not ANY_PATTERN.search(part):
        return frozenset()
    return frozenset(i for i, (pattern, _) in enumerate(ALL_PATTERNS) if pattern.search(part))


def score_link(text: str, url: str) -> int:
    """How likely the page behind a link names the body's accounts (higher is likelier)."""
    # Text and path are matched apart: no pattern can span the " /" that joins them.
    found = _patterns_in(text.lower()) | _patterns_in(urlsplit(url).path.lower())
    return sum(ALL_PATTERNS[index][1] for index in found)


def crawlable(url: str) -> bool:
    """An http(s) page URL that is not a download, not a session-id trap, not absurdly long."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or len(url) > MAX_URL_LENGTH:
        return False
    extension = (
        parts.path.rsplit(".", 1)[-1].lower() if "." in parts.path.rsplit("/", 1)[-1] else ""
    )
    if extension in SKIPPED_EXTENSIONS:
        return False
    return not SESSION_PARAMS.search(parts.query) and ";jsessionid" not in parts.path.lower()


def rank_links(page: ParsedPage, site_domains: frozenset[str]) -> list[Candidate]:
    """Same-site links of a page, best first, each URL once (fragments dropped)."""
    best: dict[str, Candidate] = {}
    # Pages repeat their links (menus, teasers): each URL and each ancestor is judged once.
    same_site: dict[str, str | None] = {}
    landmarks: dict[object, bool] = {}
    for order, ref in enumerate(page.url_refs):
        if ref.tag not in ("a", "area") or ref.attribute != "href":
            continue
        if ref.url not in same_site:
            defragged = urldefrag(ref.url)[0]
            keep = crawlable(defragged) and url_domain(defragged) in site_domains
            same_site[ref.url] = defragged if keep else None
        url = same_site[ref.url]
        if url is None:
            continue
        text = " ".join(ref.element.itertext()) + " " + (ref.element.get("title") or "")
        score = score_link(text, url)
        if _in_landmark(ref.element, landmarks):
            score += LANDMARK_BONUS
        known = best.get(url)
        if known is None or score > known.score:
            best[url] = Candidate(url, score, known.order if known else order)
    return sorted(best.values(), key=lambda candidate: (-candidate.score, candidate.order))
