"""Loaders assembled in JavaScript and vendors of issue 17 (classes 8, 9), with near-misses.

Each new vendor also has its snippet in golden/<id>.html, which the golden tests run through the
generic near-misses (commented out, shown as text, plain links, look-alike hosts, self-hosted).
"""

from __future__ import annotations

import pytest
from tracker_testing import tracker_json

MAPS_BOOTSTRAP = (
    '<script>(g=>{var h,a,k,p="The Google Maps JavaScript API",c="google",l="importLibrary",'
    'q="__ib__",m=document,b=window;b=b[c]||(b[c]={});var d=b.maps||(b.maps={}),r=new Set,'
    "e=new URLSearchParams,u=()=>h||(h=new Promise(async(f,n)=>{await (a=m.createElement("
    '"script"));e.set("libraries",[...r]+"");for(k in g)e.set(k.replace(/[A-Z]/g,t=>"_"+t[0]'
    ".toLowerCase()),g[k]);e.set(\"callback\",c+\".maps.\"+q);a.src=`https://maps.${c}apis.com/"
    "maps/api/js?`+e;d[q]=f;a.onerror=()=>h=n(Error(p+\" could not load.\"));m.head.append(a)}));"
    'd[l]?console.warn(p+" only loads once. Ignoring:",g):d[l]=(f,...n)=>r.add(f)&&u().then(()=>'
    'd[l](f,...n))})({key: "AIzaSyB41DRUbKWJHPxaFjMAwdrzWzbVKartNGg", v: "weekly"});</script>'
)
MTM = (
    "<script>var _mtm = window._mtm = window._mtm || [];"
    "_mtm.push({'mtm.startTime': (new Date().getTime()), 'event': 'mtm.Start'});"
    "var d=document, g=d.createElement('script'), s=d.getElementsByTagName('script')[0];"
    "g.async=true; g.src='{base}container_Ab12Cd34.js'; s.parentNode.insertBefore(g,s);</script>"
)
MAPP = (
    "<script>window._tiConfig = window._tiConfig || {tiDomain: 'responder.wt-safetag.com',"
    " tiId: '136699033798929', option: {}};"
    "(function(c,d,a,f){c.wts=c.wts||[];var g=function(b){var a='';b.customDomain&&b.customPath"
    "?a=b.customDomain+'/'+b.customPath:b.tiDomain&&b.tiId&&(a=b.tiDomain+'/resp/api/get/'+b.tiId"
    "+'?url='+encodeURIComponent(c.location.href)+'&v=5');return a};})(window,document,'script',"
    "_tiConfig);</script>"
)


def _ids(html: str) -> dict[str, list[str]]:
    return {hit["id"]: hit["ids"] for hit in tracker_json(html)}


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (MAPS_BOOTSTRAP, {"google-maps": ["AIzaSyB41DRUbKWJHPxaFjMAwdrzWzbVKartNGg"]}),
        ("<script>map.importLibrary('places'); var key = 'AIza';</script>", {}),
        (
            MTM.replace("{base}", "https://stats.example-stadt.de/js/"),
            {"matomo": ["container_Ab12Cd34", "https://stats.example-stadt.de/"]},
        ),
        (
            MTM.replace("{base}", "https://cdn.matomo.cloud/stadt.matomo.cloud/"),
            {"matomo-cloud": ["stadt.matomo.cloud", "container_Ab12Cd34"]},
        ),
        (
            '<script src="https://stats.example-stadt.de/js/container_Ab12Cd34.js"></script>',
            {"matomo": ["container_Ab12Cd34", "https://stats.example-stadt.de/"]},
        ),
        ('<script src="https://www.example-stadt.de/js/container.js"></script>', {}),
        (MAPP, {"mapp-webtrekk": ["136699033798929"]}),
        ("<script>var tiConfig = {tiId: '136699033798929'};</script>", {}),
        (
            "<script>var gcse = document.createElement('script'); gcse.src = "
            "'https://cse.google.com/cse.js?cx=' + cx; var cx = '0123456789abcdef0';</script>",
            {"google-programmable-search": ["0123456789abcdef0"]},
        ),
        (
            "<script>L.tileLayer('https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png').addTo(m);"
            "</script>",
            {"openstreetmap": []},
        ),
        ("<script>L.tileLayer('https://tile.openstreetmap.de/{z}/{x}/{y}.png');</script>", {}),
    ],
)
def test_loaders_assembled_in_javascript(html: str, expected: dict[str, list[str]]) -> None:
    assert _ids(html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # The WebFont loader is a hosted library that loads fonts: both are reported.
        (
            '<script src="https://ajax.googleapis.com/ajax/libs/webfont/1.6.26/webfont.js"></script>',
            {"google-fonts": [], "google-hosted-libraries": []},
        ),
        # Friendly Captcha's widget on jsDelivr is Friendly Captcha and jsDelivr; another package
        # on jsDelivr is jsDelivr alone.
        (
            '<script src="https://cdn.jsdelivr.net/npm/friendly-challenge@0.9.18/widget.min.js">'
            "</script>",
            {"friendly-captcha": [], "jsdelivr": []},
        ),
        (
            '<script src="https://cdn.jsdelivr.net/npm/friendly-widgets@1/x.js"></script>',
            {"jsdelivr": []},
        ),
        # Widget classes without their vendor's sitekey do not count.
        ('<div class="h-captcha"></div><div class="frc-captcha"></div>', {}),
        # A self-hosted CCM19 (app.js with apiKey and domain) counts; an app.js without them not.
        (
            '<script src="https://www.example-stadt.de/ccm19/public/app.js?apiKey=1a2b3c&amp;'
            'domain=4d5e6f" referrerpolicy="origin"></script>',
            {"ccm19": ["1a2b3c", "4d5e6f"]},
        ),
        ('<script src="https://www.example-stadt.de/js/app.js?v=3"></script>', {}),
        # The ReadSpeaker button alone is a link; the webReader script loads the vendor.
        (
            '<a class="rsbtn_play" href="https://app-eu.readspeaker.com/cgi-bin/rsent?customerid=1">'
            "Vorlesen</a>",
            {},
        ),
        # INFOnline's offer id comes from iam_data.
        (
            '<script src="https://script.ioam.de/iam.js"></script>'
            '<script>var iam_data = {"st": "stadtmus", "cp": "home"}; iom.c(iam_data, 1);</script>',
            {"infonline": ["stadtmus"]},
        ),
    ],
)
def test_vendor_edges(html: str, expected: dict[str, list[str]]) -> None:
    assert _ids(html) == expected
