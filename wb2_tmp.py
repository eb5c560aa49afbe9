import time, statistics
from pathlib import Path
from crawler.detection.page import ParsedPage, URL_ATTRIBUTES
import crawler.detection.page as pg
corpus=sorted(Path('../shared/corpus').rglob('*.html'))[:85]
pages=[]
for f in corpus:
    try: pages.append((f.read_text(errors='replace'), 'https://www.example.de/'))
    except Exception: pass
print(len(pages))
attrs=sorted({a for v in URL_ATTRIBUTES.values() for a in v})
XP = "//*[" + " or ".join(f"@{a}" for a in attrs) + " or @*[starts-with(name(), 'data-')]]"
print(XP)
def new_refs(self):
    refs=[]; resolved={}
    for element in self.root.xpath(XP):
        tag=element.tag
        if not isinstance(tag,str): continue
        known=URL_ATTRIBUTES.get(tag,())
        for name,value in element.items():
            if not value: continue
            if name in known or (name.startswith("data-") and pg._URLISH.match(value)):
                url=resolved.get(value)
                if url is None: url=resolved[value]=self._absolute(value)
                refs.append(pg.UrlRef(tag,name,value,url,element))
    return tuple(refs)
def bench(fn):
    ts=[]
    for text,url in pages:
        p=ParsedPage.from_html(text,url)
        best=9e9
        for _ in range(3):
            t=time.perf_counter(); r=fn(p); best=min(best,time.perf_counter()-t)
        ts.append(best/len(text)*100000*1000)
    return statistics.median(ts)
old=ParsedPage.url_refs.func
same=all(old(ParsedPage.from_html(t,u))==new_refs(ParsedPage.from_html(t,u)) for t,u in pages)
print("same", same)
for _ in range(2):
    print("old", bench(old), "new", bench(new_refs))
