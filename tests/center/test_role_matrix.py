"""Every role against every page and command of the district center (docs/center.md
"Roles"), through Django's test client: the one systematic matrix on top of the pages' own
tests in Chromium.

ROUTES has one row per URL pattern of center/urls.py (Django's /admin/ guards itself); a
route added without a row fails test_every_route_has_a_row. A row gives the route's address,
its blanks filled from the world (tests/fixtures/center_world.py) with the manager's own
station's objects and with those of a station in another district nobody here manages,
and the status each role gets for GET and for POST (an empty POST: the gate is tested here,
not the form). Each expectation reads

    anonymous viewer manager admin

each one status for both stations' objects, or "own/other". "login" is a redirect to the
sign-in page, "302" a redirect anywhere else. A route whose address names no station's
object is asked once.

The rules: nobody signed in is sent to sign in, except on the sign-in page, the resident's
link (/p/<token>), a ticket's rating code (/r/<token>) and the gateway's signed receipts; a
viewer reads (200) and is refused any action (403) and the administrators' pages (403); a
station manager acts on their own stations' objects and gets 404 for another's; a district
administrator reaches everything. Notices are each person's own: anybody else's is 404, for
everybody.

A row the product gets wrong is marked xfail(strict=True) with what is wrong, so the suite
stays green until the fix makes it pass (and then fails until the mark goes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.fixtures.center_pickup import phone_key, sealing_key
from tests.fixtures.center_qr_ratings import rated_world
from tests.fixtures.center_world import ROLES, World, texted_world, world
from tests.fixtures.pickup_deposits import notice_sender, smsc
from tests.fixtures.rating_cases import rating_cases

# Fixtures, used by name.
__all__ = ["notice_sender", "phone_key", "rated_world", "rating_cases", "sealing_key", "smsc",
           "texted_world", "world"]

LOGIN = "login"
REDIRECT = "302"


@dataclass(frozen=True)
class Row:
    route: str                          # the URL pattern's name, with its namespace
    path: str                           # its address; {blanks} from World.names
    get: str                            # anonymous viewer manager admin
    post: str
    headers: dict[str, str] = field(default_factory=dict)
    texted: bool = False                # needs the residents' SMS (texted_world)
    rated: bool = False                 # needs a ticket's rating code (rated_world)
    cases: bool = False                 # {rating_case}: a bad-rating case at each station


NOT_ANSWERED = "login 405 405 405"      # a method the view refuses, once signed in
READ = "login 200 200/404 200"          # a station's page: everybody who may see it reads
EVERYONE_READS = "login 200 200 200"
ACTION = "login 403 302/404 302"        # a command: does it, and goes back to the page
FORM = "login 403 200/404 200"          # an action with a page of its own (the form again)
ADMIN_EDITS = "login 403 403/404 200"   # the catalog editor's pages
ADMIN_ACTS = "login 403 403/404 302"

ROUTES: list[Any] = [
    # route                        address                                       GET / POST
    Row("home", "/", "login 302 302 302", "login 302 302 302"),
    Row("login", "/login/", "200 302 302 302", "200 302 302 302"),
    Row("logout", "/logout/", NOT_ANSWERED, "login login login login"),  # then signed out
    # center/ratings/urls.py
    Row("ratings:overview", "/ratings/", EVERYONE_READS, NOT_ANSWERED),
    # center/reports/urls.py: a report by district and period, a station's by its code too
    # (hsz is the manager's; district yh has no hsz: 404 to everybody). A manager reads the
    # district's report, and has only their stations' made. Nothing is kept in the world:
    # an export goes back to the report's page, which offers to make it.
    Row("reports:list", "/reports/", EVERYONE_READS, NOT_ANSWERED),
    Row("reports:district", "/reports/{district}/2026-11/", READ, "login 403 403/404 302"),
    Row("reports:district_export", "/reports/{district}/2026-11/report.csv",
        "login 302 302/404 302", NOT_ANSWERED),
    Row("reports:station", "/reports/{district}/2026-11/hsz/",
        "login 200/404 200/404 200/404", "login 403/404 302/404 302/404"),
    Row("reports:station_export", "/reports/{district}/2026-11/hsz/report.pdf",
        "login 302/404 302/404 302/404", NOT_ANSWERED),
    # center/fleet/urls.py
    Row("fleet:list", "/fleet/", EVERYONE_READS, NOT_ANSWERED),
    Row("fleet:terminal", "/fleet/{district}/{terminal}/", READ, NOT_ANSWERED),
    Row("fleet:history", "/fleet/{district}/{terminal}/history.json", READ, NOT_ANSWERED),
    Row("fleet:events", "/fleet/{district}/{terminal}/events/", READ, NOT_ANSWERED,
        headers={"HX-Request": "true"}),
    Row("fleet:announce", "/fleet/{district}/{terminal}/announce/", NOT_ANSWERED, ACTION),
    Row("fleet:open", "/fleet/{district}/{terminal}/open/", NOT_ANSWERED, ACTION),
    Row("fleet:rebirth", "/fleet/{district}/{terminal}/rebirth/", NOT_ANSWERED, ACTION),
    Row("fleet:set_in_service", "/fleet/{district}/{terminal}/service/", NOT_ANSWERED, ACTION),
    Row("fleet:hours", "/fleet/{district}/{terminal}/hours/", FORM, FORM),
    # center/commands/urls.py
    Row("commands:bulk_list", "/commands/bulk/", EVERYONE_READS, NOT_ANSWERED),
    Row("commands:bulk_new", "/commands/bulk/new/rebirth/", "login 403 200 200",
        "login 403 200 200"),
    Row("commands:bulk_detail", "/commands/bulk/{bulk}/", READ, NOT_ANSWERED),
    # center/alarms/urls.py
    Row("alarms:list", "/alarms/", EVERYONE_READS, NOT_ANSWERED),
    Row("alarms:detail", "/alarms/{alarm}/", READ, NOT_ANSWERED),
    Row("alarms:acknowledge", "/alarms/{alarm}/acknowledge/", NOT_ANSWERED, ACTION),
    Row("alarms:comment", "/alarms/{alarm}/comment/", NOT_ANSWERED, ACTION),
    Row("alarms:assign", "/alarms/{alarm}/assign/", NOT_ANSWERED, ACTION),
    Row("alarms:maintenance_start", "/alarms/maintenance/{district}/{terminal}/start/",
        NOT_ANSWERED, ACTION),
    Row("alarms:maintenance_end", "/alarms/maintenance/{window}/end/", NOT_ANSWERED, ACTION),
    # center/notifications/urls.py: own is the person's notice, other someone else's
    Row("notifications:list", "/notifications/", EVERYONE_READS, NOT_ANSWERED),
    Row("notifications:open", "/notifications/{delivery}/open/",
        "login 302/404 302/404 302/404", NOT_ANSWERED),
    Row("notifications:read_all", "/notifications/read/", NOT_ANSWERED, "login 302 302 302"),
    # center/audit/urls.py
    Row("audit:log", "/audit/", "login 403 403 200", NOT_ANSWERED),
    # center/catalog/urls.py: own is district xc (the manager's), other district yh
    Row("catalog:home", "/catalog/", "login 200 302 200", NOT_ANSWERED),
    Row("catalog:items", "/catalog/{district}/", READ, NOT_ANSWERED),
    Row("catalog:item", "/catalog/{district}/items/{item}/", READ, NOT_ANSWERED),
    Row("catalog:edit", "/catalog/{district}/items/{item}/edit/", ADMIN_EDITS, ADMIN_EDITS),
    Row("catalog:upload", "/catalog/{district}/upload/", ADMIN_EDITS, ADMIN_EDITS),
    Row("catalog:shipped", "/catalog/{district}/shipped/", NOT_ANSWERED, ADMIN_ACTS),
    # Nothing offered for review yet: back to the catalog.
    Row("catalog:review", "/catalog/{district}/review/", ADMIN_ACTS, ADMIN_ACTS),
    Row("catalog:versions", "/catalog/{district}/versions/", READ, NOT_ANSWERED),
    Row("catalog:version", "/catalog/{district}/versions/{version}/", READ, NOT_ANSWERED),
    Row("catalog:download", "/catalog/{district}/versions/{version}/catalog.toml", READ,
        NOT_ANSWERED),
    Row("catalog:rollback", "/catalog/{district}/versions/{version}/rollback/", ADMIN_EDITS,
        ADMIN_ACTS),
    Row("catalog:terminals", "/catalog/{district}/terminals/", READ, NOT_ANSWERED),
    Row("catalog:push", "/catalog/{district}/push/", NOT_ANSWERED, ADMIN_ACTS),
    # center/pickup/urls.py
    Row("pickup:case_import", "/pickup/cases/import/", "login 403 200 200",
        "login 403 200 200"),
    Row("pickup:case_lookup", "/pickup/cases/lookup/?case={case}", "login 403 200/404 200",
        NOT_ANSWERED),
    Row("pickup:deposits", "/pickup/", EVERYONE_READS, NOT_ANSWERED),
    Row("pickup:deposit", "/pickup/{deposit}/", READ, NOT_ANSWERED),
    Row("pickup:new_code", "/pickup/{deposit}/new-code/", FORM, FORM),
    Row("pickup:demo_sms", "/pickup/demo-sms/", "login 403 403 200", NOT_ANSWERED,
        texted=True),
    # Public: the resident's link, and the HTTP gateway's receipts (signed; this POST is not)
    Row("pickup_link", "/p/{token}", "200 200 200 200", "405 405 405 405", texted=True),
    Row("http_receipts", "/sms/receipts/http/", "405 405 405 405", "403 403 403 403"),
    # Public: a ticket slip's rating code; an empty POST chooses no answer
    Row("rate_by_qr", "/r/{token}", "200 200 200 200", "400 400 400 400", rated=True),
    # center/ratings/urls.py: the bad-rating cases (an empty POST names no step: back to it)
    Row("ratings:cases", "/ratings/cases/", EVERYONE_READS, NOT_ANSWERED),
    Row("ratings:case", "/ratings/cases/{rating_case}/", READ, NOT_ANSWERED, cases=True),
    Row("ratings:case_step", "/ratings/cases/{rating_case}/step/", NOT_ANSWERED, ACTION,
        cases=True),
    # center/publication/urls.py: a manager reads the preview but neither publishes nor
    # exports (an empty POST names no quarter: back to the page)
    Row("publication:home", "/publication/", EVERYONE_READS, NOT_ANSWERED),
    Row("publication:publish", "/publication/publish/", NOT_ANSWERED, "login 403 403 302"),
    Row("publication:export_csv", "/publication/export/2026q3.csv", "login 200 403 200",
        NOT_ANSWERED),
    Row("publication:export_json", "/publication/export/2026q3.json", "login 200 403 200",
        NOT_ANSWERED),
    # Public (center/publication/public_urls.py): a district's published quarters; a quarter
    # nobody published is 404 to everybody, its PDF too
    Row("public:quarters", "/public/{district}/", "200 200 200 200", "405 405 405 405"),
    Row("public:quarter", "/public/{district}/2026q3/", "404 404 404 404", "405 405 405 405"),
    Row("public:pdf", "/public/{district}/2026q3.pdf", "404 404 404 404", "405 405 405 405"),
]


def _rows() -> list[Row]:
    return [entry if isinstance(entry, Row) else entry.values[0] for entry in ROUTES]


def _named_routes() -> dict[str, str]:
    """Every URL pattern's name (with its namespace) and pattern, but Django's admin."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], namespace: str, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else f"(unnamed) {prefix}"
                found[name] = prefix + str(entry.pattern)

    walk(get_resolver().url_patterns, "", "/")
    return found


def test_every_route_has_a_row() -> None:
    routes = _named_routes()
    rows = {row.route for row in _rows()}
    missing = sorted(f"{name} ({pattern})" for name, pattern in routes.items()
                     if name not in rows)
    assert not missing, f"routes without a row in ROUTES: {missing}"
    assert not rows - routes.keys(), f"rows for no route: {sorted(rows - routes.keys())}"
    assert len(rows) == len(_rows()), "a route has two rows"


@pytest.mark.parametrize("row", _rows(), ids=lambda row: row.route)
def test_each_address_is_its_route(row: Row) -> None:
    """The row's address reaches the route it is for (a mistyped address would test some
    other page)."""
    names = {"district": "xc", "terminal": "xc-hsz-01", "item": "t-001", "case": "X",
             "token": "abcdefghijklmnopqrstuv"}
    address = row.path.format_map({**{key: "1" for key in ("alarm", "window", "bulk",
                                                            "deposit", "version",
                                                            "delivery", "rating_case")},
                                    **names})
    assert resolve(address.split("?", 1)[0]).view_name == row.route


@pytest.fixture
def http_gateway(settings: Any) -> None:
    """The HTTP SMS gateway's shared secret, so its receipts are checked (without one the
    address answers 404: no such gateway here)."""
    settings.SMS_HTTP = {**settings.SMS_HTTP, "KEY_ID": "center", "SECRET": "matrix-secret"}


def _client(world: World, role: str) -> Client:
    client = Client()
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    return client


def _expected(column: str, side: str) -> str:
    own, _, other = column.partition("/")
    return other if side == "other" and other else own


def _mismatch(response: Any, expected: str) -> str | None:
    got = str(response.status_code)
    where = response.get("Location", "")
    if expected == LOGIN:
        ok = got == "302" and where.startswith("/login/")
    elif expected == REDIRECT:
        ok = got == "302" and not where.startswith("/login/")
    else:
        ok = got == expected
    return None if ok else got + (f" to {where}" if where else "")


@pytest.mark.django_db
@pytest.mark.usefixtures("http_gateway")
@pytest.mark.parametrize("row", ROUTES, ids=lambda row: row.route)
def test_each_role_gets_what_its_role_allows(row: Row, request: pytest.FixtureRequest
                                             ) -> None:
    world: World = request.getfixturevalue(
        "texted_world" if row.texted else "rated_world" if row.rated else "world")
    cache.clear()                       # the resident's link counts lookups per address
    cases = request.getfixturevalue("rating_cases") if row.cases else {}
    clients = {role: _client(world, role) for role in ROLES}
    problems = []
    # Every GET first: a POST may change what a later GET finds.
    for method, expectation in (("GET", row.get), ("POST", row.post)):
        columns = dict(zip(ROLES, expectation.split(), strict=True))
        for role in ROLES:
            addresses = {side: row.path.format_map({**world.names(role, side),
                                                    **cases.get(side, {})})
                         for side in ("own", "other")}
            sides = ["own"] if addresses["own"] == addresses["other"] else ["own", "other"]
            for side in sides:
                expected = _expected(columns[role], side)
                send = clients[role].get if method == "GET" else clients[role].post
                response = send(addresses[side], headers=row.headers)
                wrong = _mismatch(response, expected)
                if wrong:
                    problems.append(f"{method} {addresses[side]} as {role} ({side}): got "
                                    f"{wrong}, expected {expected}")
    assert not problems, "\n".join(problems)
