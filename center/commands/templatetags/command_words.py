"""Commands on the pages: the terminal page's commands section and the fleet page's offer
to act on the filtered set take what they need here, so neither page's view has to."""

from __future__ import annotations

from typing import Any

from django import template

from center.commands import words
from center.commands.bulk import filter_query, may_act_in_bulk
from center.commands.models import Command
from center.commands.terminal_context import commands_section

register = template.Library()


@register.simple_tag(takes_context=True)
def terminal_commands(context: template.Context) -> dict[str, Any]:
    """The forms and facts of a terminal page's commands section."""
    return commands_section(context["terminal"], context.get("request"))


@register.simple_tag(takes_context=True)
def bulk_offer(context: template.Context) -> dict[str, Any]:
    """Whether the person may act on the fleet page's filtered set, and its filters."""
    request = context.get("request")
    if request is None:
        return {"may_act": False, "query": ""}
    return {"may_act": may_act_in_bulk(request.user),
            "query": filter_query(request.GET).urlencode()}


@register.filter
def command_name(command_type: str) -> str:
    return words.type_name(command_type)


@register.filter
def command_asked(command: Command) -> str:
    return words.what_was_asked(command.type, command.args)


@register.filter
def command_answer(command: Command) -> str:
    return words.the_answer(command)
