"""Candidate website URLs of a public body, made from its name and its relations only.

No list of known sites is consulted: a candidate is what a body's name would become as a domain
under the conventions German municipalities follow, so a unit nobody lists can still be found.

- The name before its first comma ("Abenberg, St" -> "Abenberg"); Destatis' qualifiers are read:
  "a.Inn" (am Inn), "a.d.Saale" (an der Saale), "i.Grabfeld" (im Grabfeld), "b.München" (bei),
  "(Oberpf)": each gives the name with the qualifier, without it and in its short form.
- Umlauts and ß transliterated (ae, oe, ue, ss); "St." and "Sankt" both tried; "Bad X" also as X.
- Words joined by "-" and run together; a prefix by kind (`gemeinde-`, `stadt-`, `markt-`,
  `vg-`, `vgem-`, `amt-`, `samtgemeinde-`, `verbandsgemeinde-`, `landkreis-`, `kreis-`, ...).
- `.de` and the regional top-level domains in use (`.bayern`, `.nrw`, `.saarland`, `.berlin`,
  `.hamburg`), each with and without `www.`.
- The unit's relations: the site its Verband has in the same list, and candidates made from
  the Verband's name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from crawler.seeds import taxonomy

REGIONAL_TLDS = {
    "09": ("bayern",),
    "05": ("nrw",),
    "10": ("saarland",),
    "11": ("berlin",),
    "02": ("hamburg",),
}
# Destatis abbreviations of the words joining a name to its river or region.
QUALIFIERS = {
    "a.d.": ("an-der", "a-d", "ad"),
    "a.": ("am", "an", "a"),
    "i.": ("im", "in", "i"),
    "b.": ("bei", "b"),
    "o.": ("ob", "o"),
    "v.d.": ("vor-der", "v-d"),
    "u.": ("unter", "u"),
}
QUALIFIER = re.compile(r"\s+(a\.d\.|v\.d\.|a\.|i\.|b\.|o\.|u\.)\s*(.+)$")
# The same words written out: "Hattersheim am Main", "Kirchdorf an der Iller".
LONG_QUALIFIER = re.compile(
    r"\s+(am|an der|an|im|in der|in|bei|ob der|unter|vor der|auf der)\s+(.+)$", re.IGNORECASE
)
PARENTHESIS = re.compile(r"\s*\(([^)]*)\)\s*")
TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
PREFIXES_BY_LABEL = {
    "Markt": ("markt",),
    "Amt": ("amt",),
    "Samtgemeinde": ("samtgemeinde", "sg"),
    "Verbandsgemeinde": ("vg", "verbandsgemeinde", "vgv", "verbgem"),
    "Verwaltungsgemeinschaft": ("vgem", "vg", "verwaltungsgemeinschaft"),
    "Verwaltungsverband": ("gvv", "vvg", "vvs"),
    "Kirchspielslandgemeinde": ("amt",),
}
PREFIXES_BY_KIND = {
    taxonomy.GEMEINDE: ("gemeinde",),
    taxonomy.STADT: ("stadt",),
    taxonomy.KREISFREIE_STADT: ("stadt",),
    taxonomy.STADTSTAAT: (),
    taxonomy.VERBAND: (),
    taxonomy.LANDKREIS: ("landkreis", "kreis", "lk"),
    taxonomy.LAND: (),
}
# Words of a Verband's or Kreis's name that name its kind, not the place.
KIND_WORDS = re.compile(
    r"^(amt|samtgemeinde|verbandsgemeinde|verwaltungsgemeinschaft|vgem|vg|gvv|vvg|"
    r"gemeindeverwaltungsverband|verwaltungsverband|landkreis|kreis|region|regionalverband|"
    r"städteregion|stadt|gemeinde|markt)(\s+der\s+stadt|\s+der\s+gemeinde)?\s+",
    re.IGNORECASE,
)
KIND_SUFFIX = re.compile(r"\s*\((vgem|vg|gvv)\)\s*$", re.IGNORECASE)
# Extra TLDs some municipalities use; tried for the plain name only (not for every prefix).
OTHER_TLDS = ("info", "eu", "com", "org")
SUFFIXES = ("online",)
# A Verband named like "Bad Königshofen i.Grabfeld (VGem)" has dozens of spellings; its sites
# use the first few (as written, hyphenated or run together, without the qualifier).
VERBAND_SPELLINGS = 4
# The most a unit gets, most likely first; the tail of a long list finds next to nothing.
MAX_CANDIDATES = 120
# How a name is told from its namesakes in other Länder ("horn-hunsrueck", "bevern-sh").
STATE_SUFFIXES = {
    "01": ("sh",),
    "03": ("nds",),
    "06": ("hessen",),
    "07": ("pfalz", "rlp"),
    "08": ("bw",),
    "09": ("bayern",),
    "12": ("brandenburg",),
    "13": ("mv",),
    "14": ("sachsen",),
    "15": ("sachsen-anhalt",),
    "16": ("thueringen",),
}


@dataclass(frozen=True, slots=True)
class Body:
    """What candidates are made from: the unit's name and kind, and its relations."""

    id: str
    name: str
    kind: str = ""
    kind_label: str = ""
    state_code: str = ""
    verband_name: str = ""
    verband_label: str = ""
    verband_url: str = ""
    kreis_name: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate homepage, and whose site it would be (``self`` or ``verband``)."""

    url: str
    of: str = "self"
    host: str = ""  # the generated host name; empty for a URL taken from the list


def candidates(body: Body) -> list[Candidate]:
    """Candidate homepages of ``body``, most likely first, each once, with whose they'd be."""
    own, verband = _own_and_verband_hosts(body)
    found = [Candidate(body.verband_url, "verband")] if body.verband_url else []
    found += [Candidate(f"https://{host}/", "self", host) for host in own]
    found += [Candidate(f"https://{host}/", "verband", host) for host in verband]
    seen: set[str] = set()
    unique = []
    for candidate in found:
        if candidate.url not in seen:
            seen.add(candidate.url)
            unique.append(candidate)
    return unique[:MAX_CANDIDATES]


def candidate_urls(body: Body) -> list[str]:
    """Candidate homepages of ``body``, most likely first, each once."""
    return [candidate.url for candidate in candidates(body)]


def _own_and_verband_hosts(body: Body) -> tuple[list[str], list[str]]:
    tlds = ("de", *REGIONAL_TLDS.get(body.state_code, ()))
    prefixes = (*PREFIXES_BY_KIND.get(body.kind, ()), *PREFIXES_BY_LABEL.get(body.kind_label, ()))
    slugs = name_slugs(body.name)
    hosts = _hosts(slugs, prefixes, tlds)
    plain = slugs[:2]  # the name as written, hyphenated and run together
    suffixes = (*SUFFIXES, *STATE_SUFFIXES.get(body.state_code, ()))
    hosts += _hosts([f"{slug}-{suffix}" for slug in plain[:1] for suffix in suffixes], (), tlds)
    hosts += _hosts(plain, (), OTHER_TLDS)
    hosts += _hosts(_idna(body.name), (), tlds[:1])
    for kreis in name_slugs(body.kreis_name)[:1]:
        hosts += _hosts([f"{slug}-{kreis}" for slug in plain[:1]], (), tlds[:1])
    verband: list[str] = []
    if body.verband_name:
        verband_prefixes = PREFIXES_BY_LABEL.get(body.verband_label, ())
        verband_slugs = name_slugs(body.verband_name)[:VERBAND_SPELLINGS]
        verband += _hosts(verband_slugs, verband_prefixes, tlds)
        verband += _hosts([f"{slug}-vg" for slug in verband_slugs[:2]], (), tlds[:1])
    return hosts, verband


def _hosts(slugs: list[str], prefixes: Iterable[str], tlds: Iterable[str]) -> list[str]:
    labels = list(slugs)
    for prefix in prefixes:
        labels += [f"{prefix}-{slug}" for slug in slugs]
        labels += [f"{prefix}{slug}" for slug in slugs]
    hosts = []
    for tld in tlds:
        for label in labels:
            hosts += [f"www.{label}.{tld}", f"{label}.{tld}"]
    return hosts


def name_slugs(name: str) -> list[str]:
    """The domain labels a name may become (``"Bad Tölz"`` -> ``bad-toelz``, ``badtoelz``, ...)."""
    variants = []
    for spelled in _spellings(name):
        words = re.findall(r"[a-z0-9]+", spelled)
        if words:
            variants += ["-".join(words), "".join(words)]
    return [label for label in dict.fromkeys(variants) if 0 < len(label) <= 63]


def _idna(name: str) -> list[str]:
    """The name with its umlauts kept, as an internationalised domain label (xn--...)."""
    base = KIND_WORDS.sub("", name.split(",", 1)[0].strip()).strip().casefold()
    if base.isascii():
        return []
    words = re.findall(r"\w+", PARENTHESIS.sub(" ", base))
    try:
        return [("-".join(words)).encode("idna").decode()]
    except UnicodeError:
        return []


def name_forms(name: str) -> list[str]:
    """The ways pages write a name, folded to ASCII words ("neustadt an der aisch", ...)."""
    forms = [" ".join(re.findall(r"[a-z0-9]+", spelled)) for spelled in _spellings(name)]
    return [form for form in dict.fromkeys(forms) if form]


def fold_words(text: str) -> str:
    """Text folded as names are: ASCII, lower case, words separated by one space."""
    return " ".join(re.findall(r"[a-z0-9]+", _ascii(text)))


def _spellings(name: str) -> list[str]:
    """The name as written, with and without its qualifier, "Bad" and "Sankt" forms."""
    base = KIND_WORDS.sub("", name.split(",", 1)[0].strip()).strip()
    base = KIND_SUFFIX.sub("", base)
    forms = [base]
    spelled_out = LONG_QUALIFIER.search(base)
    if spelled_out:
        head, tail = base[: spelled_out.start()], spelled_out.group(2)
        forms += [head, f"{head} {tail}"]
    region = PARENTHESIS.search(base)
    if region:
        plain = PARENTHESIS.sub(" ", base).strip()
        forms += [plain, f"{plain} {region.group(1)}"]
    qualified = QUALIFIER.search(base)
    if qualified:
        head, word, tail = base[: qualified.start()], qualified.group(1), qualified.group(2)
        forms += [head] + [f"{head} {long} {tail}" for long in QUALIFIERS[word]]
        forms += [f"{head} {tail}"]
    if "/" in base:  # "Bernau b.Berlin" is caught above; "Triebel/Vogtl." here
        forms.append(base.split("/", 1)[0])
    more = []
    for form in forms:
        if re.match(r"^bad\s+", form, re.IGNORECASE):
            more.append(re.sub(r"^bad\s+", "", form, flags=re.IGNORECASE))
        if re.search(r"\bst\.\s*", form, re.IGNORECASE):
            more.append(re.sub(r"\bst\.\s*", "sankt ", form, flags=re.IGNORECASE))
            more.append(re.sub(r"\bst\.\s*", "st ", form, flags=re.IGNORECASE))
        if re.search(r"\bsankt\b", form, re.IGNORECASE):
            more.append(re.sub(r"\bsankt\b", "st", form, flags=re.IGNORECASE))
    return [_ascii(form) for form in dict.fromkeys(forms + more) if form.strip()]


def _ascii(text: str) -> str:
    folded = text.casefold().translate(TRANSLITERATION)
    return unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
