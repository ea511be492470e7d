"""``python -m quantities`` runs the command line."""

from quantities.cli import main

raise SystemExit(main())
