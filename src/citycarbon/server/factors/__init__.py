"""Factor sets: the factor library as stored, versioned records.

A factor set is a :class:`~citycarbon.server.common.models.VersionedRecord` (draft → submitted
→ approved → published; published sets never change, corrections are new versions with a
reason) holding factor rows with the kernel's columns and provenance. The shipped library
(``citycarbon.factors.default_library()``) is loaded as the published set ``builtin``; the city
office opens new versions (a local grid factor with its source …), compares versions and
publishes them. :func:`~citycarbon.server.factors.selectors.factor_library` turns a stored set
into the kernel's :class:`~citycarbon.factors.FactorLibrary`, whose version string
(``builtin@v2``) every calculation records.
"""
