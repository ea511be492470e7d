"""Imported by the fork server of ``quantities batch`` (the workers of ``--dask local``,
and of ``--jobs`` in a process that runs other threads): the pipeline, imported and warm.

The warm heap is then frozen (:func:`gc.freeze`): the collector of a worker forked from
here neither scans it nor writes to it, so its pages stay shared with the server.
"""

import gc

from quantities.batch import warm_up

warm_up()
gc.collect()
gc.freeze()
