"""citycarbon: a city's greenhouse-gas control system.

The pure kernel (``units``, ``numbers``, ``factors``, ``accounting`` …) never imports Django, a
database or HTTP; ``citycarbon.server`` persists, authorises and presents.
"""

__version__ = "0.1.0"
