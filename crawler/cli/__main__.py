"""``python -m crawler.cli`` runs the ``govsocial`` command."""

from crawler.cli import main

main()
