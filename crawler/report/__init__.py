"""``govsocial report``: a run as a static web report: charts, a map, changes, every body.

``site.write_report`` writes the folder; the numbers come from ``db.figures`` and
``db.bodyrecords`` (sums over the history views), the words from ``i18n``, the SVG from
``charts`` and ``laender``; templates, the script, the stylesheet and the Länder geometry are
package data.
"""
