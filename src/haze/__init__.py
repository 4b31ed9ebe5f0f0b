"""haze: heavy-pollution weather emergency curtailment (重污染天气应急减排).

The package is a library with a thin command line over it (:mod:`haze.cli`).
Importing it is cheap: heavy modules are imported by the functions that need them.
"""

__version__ = "0.1.0"
