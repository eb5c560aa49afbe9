"""URL forms outside the corpus (issue 17): each rule with a URL it fires on and a near-miss.

A case is ``(url, expected)``; ``expected`` is ``(platform, link_kind, handle)`` or None when the
URL is no social link at all.
"""

from __future__ import annotations

import pytest

from crawler.detection.social import classify_url

Expected = tuple[str, str, str | None] | None


def _found(url: str) -> Expected:
    found = classify_url(url)
    return None if found is None else (found.platform, found.link_kind, found.handle)


PLATFORM_PATHS: list[tuple[str, Expected]] = [
    # Instagram app deep links name the account; other app paths and highlights do not.
    ("https://www.instagram.com/_u/stadt_muster/", ("instagram", "profile", "stadt_muster")),
    ("https://www.instagram.com/_n/mainfeed/", None),
    ("https://www.instagram.com/_u/", None),
    ("https://www.instagram.com/s/aGlnaGxpZ2h0OjE3ODk1?igshid=x", ("instagram", "content", None)),
    ("https://www.instagram.com/s/", None),
    ("https://www.instagram.com/stadt/guide/ausflug/17890/", ("instagram", "content", "stadt")),
    ("https://www.instagram.com/stadt/tagged/", ("instagram", "profile", "stadt")),
    # youtu.be is a video whatever its id; product pages are no channels.
    ("https://youtu.be/abc", ("youtube", "content", None)),
    ("https://youtu.be/dQw4w9WgXcQ?t=4", ("youtube", "content", None)),
    ("https://youtu.be/", None),
    ("https://www.youtube.com/music", None),
    ("https://www.youtube.com/podcasts", None),
    ("https://www.youtube.com/musikschule", ("youtube", "profile", "musikschule")),
    # Content below a profile is owned by it; the tab itself is the profile.
    (
        "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv/community?lb=UgkxAbc",
        ("youtube", "content", "UCabcdefghijklmnopqrstuv"),
    ),
    (
        "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv/community",
        ("youtube", "profile", "UCabcdefghijklmnopqrstuv"),
    ),
    ("https://www.youtube.com/@stadt/community?lb=Ugkx", ("youtube", "content", "@stadt")),
    ("https://www.youtube.com/post/UgkxAbCdEf", ("youtube", "content", None)),
    ("https://bsky.app/profile/st.bsky.app/feed/aaa", ("bluesky", "content", "st.bsky.app")),
    ("https://bsky.app/profile/st.bsky.app/lists/3k", ("bluesky", "content", "st.bsky.app")),
    ("https://bsky.app/profile/st.bsky.app/follows", ("bluesky", "profile", "st.bsky.app")),
    ("https://bsky.app/starter-pack/st.bsky.app/3l", ("bluesky", "content", "st.bsky.app")),
]

PROFILE_FORMS: list[tuple[str, Expected]] = [
    # LinkedIn legacy and mobile forms, on country subdomains too.
    (
        "https://de.linkedin.com/pub/max-mustermann/12/345/a78",
        ("linkedin", "profile", "pub/max-mustermann/12/345/a78"),
    ),
    ("https://www.linkedin.com/pub/dir/Max/Mustermann", None),
    ("https://www.linkedin.com/pub/max-mustermann", None),
    ("https://de.linkedin.com/mwlite/in/max-m", ("linkedin", "profile", "in/max-m")),
    ("https://www.linkedin.com/mwlite/company/stadt", ("linkedin", "profile", "company/stadt")),
    ("https://www.linkedin.com/mwlite/feed", None),
    ("https://m.linkedin.com/in/max", ("linkedin", "profile", "in/max")),
    # X: numeric user ids, mobile hosts, follow intents.
    ("https://x.com/i/user/783214", ("x", "profile", "id:783214")),
    ("https://x.com/i/user/stadt", None),
    ("https://mobile.twitter.com/stadt", ("x", "profile", "stadt")),
    ("https://m.twitter.com/stadt", ("x", "profile", "stadt")),
    ("https://mobile.twitter.com/stadt/status/123", ("x", "content", "stadt")),
    ("https://twitter.com/intent/follow?screen_name=stadt", ("x", "profile", "stadt")),
    ("https://twitter.com/intent/follow?original_referer=x", None),
    ("https://www.threads.net/intent/follow?username=stadt", ("threads", "profile", "stadt")),
    ("https://www.threads.net/intent/follow", None),
    # Mobile hosts of other platforms.
    ("https://m.facebook.com/stadt.musterstadt", ("facebook", "profile", "stadtmusterstadt")),
    ("https://m.youtube.com/@stadt", ("youtube", "profile", "@stadt")),
    ("https://m.instagram.com/stadt/", ("instagram", "profile", "stadt")),
    ("https://m.pinterest.de/stadt/", ("pinterest", "profile", "stadt")),
    # Facebook numeric ids of any length.
    ("https://www.facebook.com/profile.php?id=4", ("facebook", "profile", "4")),
    ("https://www.facebook.com/profile.php?id=stadt", None),
    # Short links carrying the name resolve; opaque ones stay unresolved and name no account.
    ("https://fb.me/StadtMusterstadt", ("facebook", "profile", "stadtmusterstadt")),
    ("https://fb.me/1860muenchen", ("facebook", "profile", "1860muenchen")),
    ("https://fb.me/1wZrnDNbh", ("facebook", "content", None)),
    ("https://fb.me/e/3xAbc", ("facebook", "content", None)),
    ("https://m.me/stadtmusterstadt", ("facebook", "profile", "stadtmusterstadt")),
    ("https://m.me/", None),
    ("https://ig.me/m/stadt", ("instagram", "profile", "stadt")),
    ("https://ig.me/", None),
    ("https://www.facebook.com/share/1AbCdEfGhX/", ("facebook", "content", None)),
    ("https://wa.me/message/ABCDEF123", ("whatsapp", "content", None)),
]


@pytest.mark.parametrize(("url", "expected"), PLATFORM_PATHS + PROFILE_FORMS)
def test_url_form(url: str, expected: Expected) -> None:
    assert _found(url) == expected
