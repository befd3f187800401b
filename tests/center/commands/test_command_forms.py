"""The command forms and argument checks follow the contract's rules (docs/mqtt.md "Command
types"), so a person hears of a mistake before anything is signed: opening hours as
sessions (end after start, 24:00 as an end, at most 28), an announcement's length and end,
a compartment within the locker, and each type's arguments exactly as the terminal takes
them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override

from center.commands.forms import AnnouncementForm, CompartmentServiceForm, OpenCompartmentForm
from center.commands.hours_form import OpeningHoursForm
from center.commands.issue import CommandRefused, check
from center.commands.opening_hours import HoursInvalid, checked_sessions, sessions_in_words


def hours(*rows: tuple[list[int], str, str], **extra: str) -> OpeningHoursForm:
    data: dict[str, object] = dict(extra)
    for index, (days, start, end) in enumerate(rows):
        data[f"days_{index}"] = [str(d) for d in days]
        data[f"start_{index}"] = start
        data[f"end_{index}"] = end
    return OpeningHoursForm(data)


def test_rows_become_sessions_with_times_as_people_type_them():
    form = hours(([5, 1, 2, 3, 4], "8:30", "17:30"), ([6], "09：00", "24:00"), ([], "", ""))
    assert form.is_valid(), form.errors
    assert form.args() == {"sessions": [
        {"days": [1, 2, 3, 4, 5], "start": "08:30", "end": "17:30"},
        {"days": [6], "start": "09:00", "end": "24:00"}]}


@pytest.mark.parametrize(("row", "field"), [
    (([1], "17:00", "09:00"), "end_0"),          # the end before the start
    (([1], "09:00", "09:00"), "end_0"),          # and not equal to it either
    (([1], "24:00", "24:00"), "start_0"),        # 24:00 ends a day; it starts none
    (([1], "09:00", "24:30"), "end_0"),
    (([1], "9", "17:00"), "start_0"),
    (([], "09:00", "17:00"), "days_0"),          # times without a day
    (([1], "09:00", ""), "end_0"),
])
def test_a_wrong_row_is_named_and_nothing_is_sent(row, field):
    form = hours(row)
    assert not form.is_valid()
    assert field in form.errors, form.errors


def test_no_row_at_all_asks_for_hours_or_the_configured_ones():
    form = hours()
    assert not form.is_valid()
    assert form.non_field_errors()
    configured = hours(([1], "17:00", "09:00"), configured="on")   # rows are then ignored
    assert configured.is_valid(), configured.errors
    assert configured.args() == {"sessions": []}


def test_twenty_eight_rows_fit_and_the_contract_takes_no_more():
    rows = [([1 + i % 7], f"{i % 12:02d}:00", f"{i % 12:02d}:30") for i in range(28)]
    form = hours(*rows)
    assert form.is_valid(), form.errors
    assert len(form.args()["sessions"]) == 28
    with pytest.raises(HoursInvalid):
        checked_sessions([{"days": [1], "start": "09:00", "end": "10:00"}] * 29)


@pytest.mark.parametrize("session", [
    {"days": [1], "start": "09:00"},                                   # no end
    {"days": [1], "start": "09:00", "end": "17:00", "note": "x"},      # a field too many
    {"days": [0], "start": "09:00", "end": "17:00"},                   # weekdays are 1-7
    {"days": [8], "start": "09:00", "end": "17:00"},
    {"days": [True], "start": "09:00", "end": "17:00"},                # JSON true is no day
    {"days": [], "start": "09:00", "end": "17:00"},
    {"days": [1], "start": "9:00", "end": "17:00"},                    # HH:MM on the wire
    {"days": [1], "start": "17:00", "end": "17:00"},
])
def test_sessions_on_the_wire_follow_the_contract(session):
    with pytest.raises(HoursInvalid):
        checked_sessions([session])
    with pytest.raises(CommandRefused):
        check("station.set_opening_hours", {"sessions": [session]})


def test_the_rows_show_the_hours_in_force_and_a_few_empty_ones():
    form = OpeningHoursForm(initial=OpeningHoursForm.initial_for(
        [{"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00"}]))
    shown = [row.number for row in form.rows() if row.shown]
    assert shown == [1, 2, 3]
    assert form.rows()[0].start.value() == "09:00"


def test_hours_in_words():
    with override("zh-hans"):
        words = sessions_in_words([{"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00"},
                                   {"days": [6, 7], "start": "09:00", "end": "12:00"}])
    assert words == "周一至周五 09:00–17:00；周六、周日 09:00–12:00"


def test_an_announcement_has_at_most_300_characters_and_ends_in_the_future():
    assert not AnnouncementForm({"text": "停" * 301}).is_valid()
    assert AnnouncementForm({"text": "停" * 300}).is_valid()
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert "until" in AnnouncementForm({"text": "停水", "until": past}).errors
    later = timezone.localtime() + timedelta(days=1)
    form = AnnouncementForm({"text": " 停水 ", "until": later.strftime("%Y-%m-%dT%H:%M")})
    assert form.is_valid(), form.errors
    args = form.args()
    assert args["text"] == "停水"
    assert abs(args["until"] - later.timestamp() * 1000) < 60_000
    removal = AnnouncementForm({"text": "", "until": later.strftime("%Y-%m-%dT%H:%M")})
    assert removal.is_valid()
    assert removal.args() == {"text": ""}                        # nothing to end


def test_a_compartment_is_one_of_the_lockers():
    assert not CompartmentServiceForm({"compartment": "17", "service": "out", "why": "坏了"},
                                      compartments=16).is_valid()
    assert not OpenCompartmentForm({"compartment": "17", "reason": "卡住", "confirm": "on"},
                                   compartments=16).is_valid()
    assert not CompartmentServiceForm({"compartment": "3", "service": "out", "why": ""}
                                      ).is_valid()            # a reason is required
    taken_out = CompartmentServiceForm({"compartment": "3", "service": "out", "why": "门坏了"},
                                       compartments=16)
    assert taken_out.is_valid()
    assert taken_out.args() == {"compartment": 3, "inService": False}
    back = CompartmentServiceForm({"compartment": "3", "service": "in", "why": "修好了"})
    assert back.is_valid()
    assert back.args() == {"compartment": 3, "inService": True}


@pytest.mark.parametrize(("command_type", "args", "reason"), [
    ("locker.set_in_service", {"compartment": 3, "inService": 1}, "门坏了"),   # not a bool
    ("locker.set_in_service", {"compartment": 3}, "门坏了"),
    ("locker.set_in_service", {"compartment": 3, "inService": False}, ""),     # no reason
    ("locker.open", {"compartment": "3"}, "卡住"),                             # not an int
    ("locker.open", {"compartment": 0}, "卡住"),
    ("display.set_announcement", {"text": "x", "until": "tomorrow"}, ""),
    ("guide.replace_catalog", {"catalog": "not base64!"}, ""),
    ("outbox.resend", {"fromSeq": 5, "toSeq": 4}, ""),
    ("outbox.resend", {"fromSeq": 1, "toSeq": 10_001}, ""),
    ("station.set_opening_hours", {"sessions": "9-5"}, ""),
    ("locker.explode", {}, ""),
])
def test_arguments_the_terminal_would_refuse_are_refused_here(command_type, args, reason):
    with pytest.raises(CommandRefused):
        check(command_type, args, reason=reason)


def test_arguments_the_terminal_takes_pass_as_they_are():
    assert check("locker.set_in_service", {"compartment": 3, "inService": False},
                 reason="门坏了").args == {"compartment": 3, "inService": False}
    assert check("station.set_opening_hours", {"sessions": []}).args == {"sessions": []}
    assert check("outbox.resend", {"fromSeq": 1, "toSeq": 10_000}).args == {
        "fromSeq": 1, "toSeq": 10_000}
    assert check("presence.rebirth", {}, lifetime=timedelta(days=3)).lifetime == \
        timedelta(hours=24)
