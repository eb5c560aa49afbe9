"""The rendered tier: chosen pages loaded in headless Chromium, and what the browser requested,
stored and rendered before any consent, recorded with the page. Needs the ``render`` extra."""
