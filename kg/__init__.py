"""exportkg: a sourced knowledge graph of export controls on strategic materials.

    >>> import kg
    >>> g = kg.open()                 # packaged data (+ your Turtle: kg.open("my-data/"))
    >>> g.impact("gallium")           # the same answer as `kg impact gallium --format json`

See docs/python.md for every method.
"""

from kg.api import Graph, Record, Records, open
from kg.model.errors import KGError
from kg.model.version import __version__

__all__ = ["Graph", "KGError", "Record", "Records", "__version__", "open"]
