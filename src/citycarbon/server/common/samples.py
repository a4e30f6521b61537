"""The pages and API endpoints of the installed apps, each with a URL to reach it on the demo
data — so the query-count test, the screenshots and the server benchmark cover every app's
pages without a hand-kept list.

Pages are found in the URL conf (everything outside ``/api/``, ``/admin/``, ``/i18n/`` and
``/static/``); API operations in the OpenAPI schema. A page or operation whose URL takes
arguments (``jurisdictions/<slug:code>/``, ``/api/geo/jurisdictions/{code}``) is reached
through a *sample*: the app that owns it adds a module ``<app>/samples.py`` with ::

    SAMPLES = {
        # URL name (namespace:name; API operations: "api:<view function name>")
        #   → the URL's keyword arguments for one object of the demo data, or None
        "geo:jurisdiction_detail": demo_jurisdiction,
        "api:get_jurisdiction": demo_jurisdiction,
    }

where each value is a function of no arguments that reads the database (it runs after the
demo has been loaded). A URL with arguments and no sample is reported as not covered.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

__all__ = [
    "EXCLUDED_PREFIXES",
    "ApiOperation",
    "Page",
    "Sample",
    "api_operations",
    "pages",
    "url_name_of",
    "url_samples",
]

#: Returns the URL keyword arguments of one demo object, or ``None`` when there is none.
Sample = Callable[[], Mapping[str, Any] | None]

#: URL prefixes that are not pages of the apps.
EXCLUDED_PREFIXES = ("api/", "admin/", "i18n/", "static/")

_PARAMETER = re.compile(r"{([^}:]+)(?::[^}]*)?}")


@dataclass(frozen=True)
class Page:
    """One page of the URL conf: its name (``geo:jurisdiction_detail``), its route
    (``jurisdictions/<slug:code>/``), the names of its arguments and the URL reached with
    the sample (``None`` when it needs arguments and has no sample, or the sample found no
    object)."""

    name: str
    route: str
    parameters: tuple[str, ...]
    url: str | None


@dataclass(frozen=True)
class ApiOperation:
    """One API operation: ``GET /api/geo/jurisdictions/{code}``, its tags, the URL name of
    its view (``api:get_jurisdiction``) and the URL reached with the sample (as for
    :class:`Page`)."""

    method: str
    path: str
    tags: tuple[str, ...]
    name: str | None
    url: str | None

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def url_samples() -> dict[str, Sample]:
    """``SAMPLES`` of every installed app that has a ``samples`` module, merged; the same URL
    name in two apps is an error."""
    found: dict[str, Sample] = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.samples"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        for name, sample in getattr(module, "SAMPLES", {}).items():
            if name in found:
                raise ValueError(f"two apps give a sample for the URL {name!r}")
            found[name] = sample
    return found


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespace: str | None
) -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, route, entry


def _reverse(name: str, parameters: tuple[str, ...], samples: Mapping[str, Sample]) -> str | None:
    if not parameters:
        return reverse(name)
    sample = samples.get(name)
    if sample is None:
        return None
    kwargs = sample()
    return None if kwargs is None else reverse(name, kwargs=dict(kwargs))


def pages(samples: Mapping[str, Sample] | None = None) -> list[Page]:
    """Every named page of the URL conf outside :data:`EXCLUDED_PREFIXES`, sorted by name."""
    samples = url_samples() if samples is None else samples
    found: dict[str, Page] = {}
    for name, route, pattern in _walk(get_resolver().url_patterns, "", None):
        if route.startswith(EXCLUDED_PREFIXES) or name in found:
            continue
        parameters = tuple(pattern.pattern.regex.groupindex) or tuple(pattern.pattern.converters)
        found[name] = Page(name, route, parameters, _reverse(name, parameters, samples))
    return [found[name] for name in sorted(found)]


def url_name_of(path: str) -> str | None:
    """The URL name of the view serving an OpenAPI path (``{param}`` filled with ``1``)."""
    try:
        match = resolve(_PARAMETER.sub("1", path))
    except Resolver404:
        return None
    return match.view_name if match.url_name else None


def _fill(path: str, kwargs: Mapping[str, Any]) -> str:
    return _PARAMETER.sub(lambda match: quote(str(kwargs[match.group(1)]), safe=""), path)


def api_operations(
    schema: Mapping[str, Any], samples: Mapping[str, Sample] | None = None, method: str = "get"
) -> list[ApiOperation]:
    """The operations of an OpenAPI schema with the given method, sorted by path."""
    samples = url_samples() if samples is None else samples
    found: list[ApiOperation] = []
    for path, operations in sorted(schema.get("paths", {}).items()):
        operation = operations.get(method)
        if operation is None:
            continue
        name = url_name_of(path)
        parameters = _PARAMETER.findall(path)
        url: str | None = path
        if parameters:
            sample = samples.get(name) if name else None
            kwargs = sample() if sample is not None else None
            url = None if kwargs is None else _fill(path, kwargs)
        found.append(
            ApiOperation(
                method=method.upper(),
                path=path,
                tags=tuple(operation.get("tags", ())),
                name=name,
                url=url,
            )
        )
    return found
