"""A terminal's event timeline: newest first, fifty at a time, paged by seq (never OFFSET)
on SQLite and PostgreSQL; by type; each event summed up with long digit runs masked; paged
in place by htmx in Chromium, and by plain links without JavaScript; per role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from center.fleet.models import Station, Terminal
from center.fleet.timeline import PER_PAGE, read_timeline, summary
from center.ingest.batch import ingest_batch
from center.ingest.models import Event
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_fleet import event_message, everything_on
from tests.fixtures.center_messages import PREFIX, FakeTerminal
from tests.fixtures.center_people import make_people, sign_in

PAGE = "/fleet/xc/xc-hsz-01/"
EVENTS = "/fleet/xc/xc-hsz-01/events/"
HTMX = {"HX-Request": "true"}


def a_day_of_events(station: Station | None = None, count: int = 120,
                    using: str = "default") -> Terminal:
    """``count`` events: tickets, every tenth a deposit (its case number a long digit run,
    its pickup code sealed), the first twenty sent after an outage."""
    kiosk = FakeTerminal()
    start = timezone.now() - timedelta(hours=3)
    messages = [kiosk.birth(2, timezone.now()), kiosk.heartbeat(2, timezone.now())]
    for seq in range(1, count + 1):
        at = start + timedelta(minutes=seq)
        if seq % 10 == 0:
            messages.append(event_message(kiosk, seq, "locker.deposited", {
                "deposit": f"d-{seq}", "compartment": seq // 10, "case_number": "2026120512345678",
                "stored_at": at.isoformat(), "pickup": {"scheme": "x25519", "ct": "c2VhbGVk"}},
                at, historical=seq <= 20))
        else:
            messages.append(event_message(kiosk, seq, "queue.ticket_issued", {
                "ticket": f"A{seq:03d}", "category": "general", "real_name": False},
                at, historical=seq <= 20))
    ingest_batch(messages, prefix=PREFIX, using=using)
    terminal = Terminal.objects.get(terminal_id="xc-hsz-01")
    if station is not None:
        Terminal.objects.filter(pk=terminal.pk).update(station=station)
    return terminal


def seqs(timeline) -> list[int]:
    return [event.seq for event in timeline.events]


# -- storage: SQLite and PostgreSQL --------------------------------------------------------

@pytest.mark.django_db(databases=DATABASES)
def test_pages_go_back_and_forth_by_seq(using):
    with everything_on(using):
        terminal = a_day_of_events(using=using)
        first = read_timeline(terminal, {})
        assert seqs(first) == list(range(120, 70, -1))
        assert (first.newer, first.older) == (None, 71)
        second = read_timeline(terminal, {"before": "71"})
        assert seqs(second) == list(range(70, 20, -1))
        assert (second.newer, second.older) == (70, 21)
        last = read_timeline(terminal, {"before": "21"})
        assert seqs(last) == list(range(20, 0, -1))
        assert (last.newer, last.older) == (20, None)
        assert seqs(read_timeline(terminal, {"after": "20"})) == list(range(70, 20, -1))
        # Newer than the newest page's start: the newest page, full.
        assert seqs(read_timeline(terminal, {"after": "100"})) == seqs(first)
        # A link past the oldest event, or nonsense: the newest page.
        assert seqs(read_timeline(terminal, {"before": "1"})) == seqs(first)
        assert seqs(read_timeline(terminal, {"before": "-5", "after": "x"})) == seqs(first)


@pytest.mark.django_db(databases=DATABASES)
def test_by_type_and_a_deep_page_costs_what_the_first_does(using):
    with everything_on(using):
        terminal = a_day_of_events(count=600, using=using)
        deposits = read_timeline(terminal, {"type": "locker.deposited"})
        assert seqs(deposits) == list(range(600, 100, -10))
        assert deposits.older == 110
        assert "type=locker.deposited" in deposits.older_query
        assert seqs(read_timeline(terminal, {"type": "locker.deposited",
                                             "before": "110"})) == list(range(100, 0, -10))
        for bound in ({}, {"before": "40"}):
            with CaptureQueriesContext(connections[using]) as captured:
                read_timeline(terminal, bound)
            sql = [q["sql"].upper() for q in captured.captured_queries]
            assert len(sql) <= 2
            assert not any("OFFSET" in statement for statement in sql)


@pytest.mark.django_db(databases=DATABASES)
def test_each_event_in_a_line_without_long_digit_runs(using):
    with everything_on(using):
        terminal = a_day_of_events(using=using)
        [deposit] = [e for e in read_timeline(terminal, {"type": "locker.deposited"}).events
                     if e.seq == 120]
        assert "case_number: ################" in deposit.summary
        assert "2026120512345678" not in deposit.summary
        assert "pickup" not in deposit.summary
        assert "c2VhbGVk" not in deposit.summary
        # Fields as stored (PostgreSQL's jsonb keeps them in an order of its own).
        assert {"deposit: d-120", "compartment: 12"} <= set(deposit.summary.split(" · "))
        stored = Event.objects.get(seq=120).payload
        assert stored["case_number"] == "2026120512345678"     # kept as sent, only masked
    assert summary({"by_type": {"queue.called": 3}, "seq_ranges": [[1, 2], [5, 9]],
                    "note": "line\nbreak", "printed": True}) == \
        "by_type: (queue.called: 3) · seq_ranges: 2 项 · note: line break · printed: 是"
    assert len(summary({"text": "x" * 500})) == 160


@pytest.mark.django_db(databases=DATABASES)
def test_the_partial_by_role_and_without_htmx_the_page(using, client):
    with everything_on(using):
        people = make_people()
        a_day_of_events(people.station, using=using)
        other = Station.objects.create(district="xc", code="else", name="别处")
        Terminal.objects.create(district="xc", terminal_id="xc-else-01", station=other)
        client.force_login(people.manager)
        partial = client.get(f"{EVENTS}?before=71", headers=HTMX)
        assert partial.status_code == 200
        assert partial.content.decode().count("data-seq=") == PER_PAGE
        assert 'data-seq="70"' in partial.content.decode()
        assert client.get("/fleet/xc/xc-else-01/events/", headers=HTMX).status_code == 404
        assert client.get("/fleet/xc/xc-else-01/?before=5").status_code == 404
        # Without htmx the address leads to the terminal page at the same place.
        plain = client.get(f"{EVENTS}?before=71&type=locker.deposited")
        assert plain.status_code == 302
        assert plain["Location"] == f"{PAGE}?before=71&type=locker.deposited#events"
        client.force_login(people.viewer)
        assert client.get(f"{PAGE}?before=71").status_code == 200
        assert client.post(EVENTS, {"before": "71"}, headers=HTMX).status_code == 405


# -- in Chromium ---------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_an_administrator_pages_the_timeline_without_reloading(page, live_server):
    make_people()
    a_day_of_events()
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}{PAGE}")
    timeline = page.locator("#events")
    rows = timeline.locator("tbody tr")
    assert rows.count() == PER_PAGE
    assert rows.first.get_attribute("data-seq") == "120"
    page.evaluate("window.notReloaded = true")
    deposit = timeline.locator("tr[data-seq='120']")
    assert "存入" in deposit.inner_text() or "结果" in deposit.inner_text()
    assert "################" in deposit.inner_text()
    assert "2026120512345678" not in page.content()

    timeline.get_by_role("link", name="较早").click()
    page.locator("#events tr[data-seq='70']").wait_for()
    assert page.locator("#events tbody tr").first.get_attribute("data-seq") == "70"
    page.get_by_role("link", name="较早").click()
    page.locator("#events tr[data-seq='20']").wait_for()
    late = page.locator("#events tr[data-seq='20']")
    assert late.get_attribute("data-historical") == "true"
    assert "断网" in late.inner_text()
    assert page.locator("#events").get_by_role("link", name="较早").count() == 0
    keep_screenshot(page, "terminal-timeline-oldest")
    page.get_by_role("link", name="较新").click()
    page.locator("#events tr[data-seq='70']").wait_for()

    page.locator("#events select[name=type]").select_option("locker.deposited")
    page.locator("#events").get_by_role("button").click()
    page.locator("#events tbody tr[data-type='locker.deposited']").first.wait_for()
    page.wait_for_function(
        "document.querySelectorAll('#events tbody tr').length === 12")
    assert page.evaluate("window.notReloaded") is True
    assert page.url == f"{live_server.url}{PAGE}"
    keep_screenshot(page, "terminal-timeline")


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_links_page_the_timeline(chromium, live_server):
    make_people()
    a_day_of_events()
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                   java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server, "viewer")
        page.goto(f"{live_server.url}{PAGE}")
        page.locator("#events").get_by_role("link", name="较早").click()
        page.wait_for_url("**before=71#events")
        assert page.locator("#events tbody tr").first.get_attribute("data-seq") == "70"
        page.locator("#events select[name=type]").select_option("locker.deposited")
        page.locator("#events").get_by_role("button").click()
        page.wait_for_url("**type=locker.deposited#events")
        assert page.locator("#events tbody tr").count() == 12
    finally:
        context.close()
