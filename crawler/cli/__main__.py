"""``python -m crawler.cli`` runs the ``govsocial`` command."""

from crawler.cli import main

# Guarded: analysis workers are spawned processes, which import the main module again.
if __name__ == "__main__":
    main()
