"""Demo content: the outlet's old WordPress site, moved in with the WordPress importer.

A small export written for the demo (data/old-site.wordpress.xml): posts go into the Labor
section, pages under the home, and the old addresses (/2019/05/dock-strike-ends/, /?p=104,
/category/housing/, …) become redirects, as they would for an outlet moving in.
"""

from __future__ import annotations

from pathlib import Path

from samizdat.importers.wordpress.importer import import_wordpress

EXPORT = Path(__file__).resolve().parent / "data" / "old-site.wordpress.xml"


def load(loader) -> None:
    """Import the old site's export into the English home."""
    loader.log("Moving in the old WordPress site…")
    summary = import_wordpress(EXPORT, section="labor", locale="en")
    created = sum(summary.created.values())
    loader.log(f"  {created} items imported, {summary.redirects} old addresses redirected")
