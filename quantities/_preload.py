"""Imported by the fork server of ``quantities batch``: the pipeline, imported and warm."""

from quantities.batch import warm_up

warm_up()
