"""sora's benchmark suite: ``tox -e bench`` or ``python -m benchmarks``.

Each measurement is one module of this package, listed in
``benchmarks.__main__.MEASUREMENTS``. A measurement returns result rows.
Each row carries sora's figure and, where one applies, a reference measured
in the same run on the same input, so the ratio of the two stays meaningful
on a busy machine. The suite is not part of the sora package and is never
run by the unit tests.
"""
