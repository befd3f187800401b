"""The one action dispatch every simulator shares (devices/sim/actions.py)."""

from __future__ import annotations

from functools import partial

import pytest

from devices.sim.actions import ActionDispatch, ActionSpec, Arg
from devices.sim.simulator import SimAction, UnknownAction


class Toy(ActionDispatch):
    """A simulator with one action of each shape."""

    def __init__(self) -> None:
        self.name = "toy"
        self.calls: list[tuple[str, object]] = []
        self.extra = ("c",)

    def _presets(self) -> tuple[str, ...]:
        return ("a", "b", *self.extra)

    def _say(self, text: str, times: int, *, loud: bool = False) -> str:
        self.calls.append(("say", (text, times, loud)))
        return f"said {text!r} {times} times" + (" loudly" if loud else "")

    def _wait(self, seconds: float, label: str) -> str:
        self.calls.append(("wait", (seconds, label)))
        return f"waited {seconds:g} s for {label}"

    def _reset(self) -> None:
        self.calls.append(("reset", None))

    def _broken(self) -> object:
        return 42

    ACTIONS = (
        ActionSpec("say", "Say something", _say, args=(Arg("text"),),
                   options=(Arg("times", int, 1),), presets=_presets),
        ActionSpec("shout", "Shout something", partial(_say, loud=True),
                   args=(Arg("text"),), options=(Arg("times", int, 1),), fault=True),
        ActionSpec("wait", "Wait", _wait, args=(Arg("label", default="nothing"),),
                   options=(Arg("seconds", float, 2.0),)),
        ActionSpec("reset", "Reset", _reset, done="reset done"),
        ActionSpec("broken", "Broken", _broken),
    )


def test_actions_are_described_for_the_panel_in_their_order():
    toy = Toy()
    assert toy.actions() == [
        SimAction("say", "Say something", params=("text",), presets=("a", "b", "c")),
        SimAction("shout", "Shout something", params=("text",), fault=True),
        SimAction("wait", "Wait", params=("label",)),
        SimAction("reset", "Reset"),
        SimAction("broken", "Broken"),
    ]
    toy.extra = ()
    assert toy.actions()[0].presets == ("a", "b")     # worked out again on each call


def test_perform_converts_the_arguments_and_returns_what_happened():
    toy = Toy()
    assert toy.perform("say", {"text": "hi", "times": "3"}) == "said 'hi' 3 times"
    assert toy.perform("shout", {"text": "hi"}) == "said 'hi' 1 times loudly"
    assert toy.perform("wait", {"seconds": "0.5"}) == "waited 0.5 s for nothing"
    assert toy.perform("reset", {}) == "reset done"
    assert toy.calls == [("say", ("hi", 3, False)), ("say", ("hi", 1, True)),
                         ("wait", (0.5, "nothing")), ("reset", None)]


def test_an_unknown_action_names_the_ones_there_are():
    with pytest.raises(UnknownAction, match="toy has no action 'fly'; it has: say, shout, "
                                            "wait, reset, broken"):
        Toy().perform("fly", {})


def test_bad_arguments_say_which_and_how_to_write_them():
    toy = Toy()
    with pytest.raises(ValueError, match=r"toy: this action needs text=\.\.\."):
        toy.perform("say", {})
    with pytest.raises(ValueError, match="times 'x' is not a number"):
        toy.perform("say", {"text": "hi", "times": "x"})
    with pytest.raises(ValueError, match="seconds must be a number, got 'soon'"):
        toy.perform("wait", {"seconds": "soon"})
    with pytest.raises(ValueError, match="times '' is not a number"):
        toy.perform("say", {"text": "hi", "times": ""})
    assert toy.calls == []


def test_empty_text_takes_the_default_and_unknown_arguments_are_ignored():
    toy = Toy()
    assert toy.perform("wait", {"label": "", "colour": "red"}) == "waited 2 s for nothing"
    assert toy.perform("say", {"text": ""}) == "said '' 1 times"   # required: empty is text


def test_a_method_without_done_text_must_return_its_message():
    with pytest.raises(TypeError, match="'broken' has no done text"):
        Toy().perform("broken", {})


def test_an_action_declared_twice_is_refused_when_the_class_is_made():
    with pytest.raises(TypeError, match="Twice declares reset more than once"):
        class Twice(ActionDispatch):
            ACTIONS = (ActionSpec("reset", "Reset", lambda sim: None, done="x"),
                       ActionSpec("reset", "Reset again", lambda sim: None, done="y"))
