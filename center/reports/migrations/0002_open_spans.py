"""One open presence span for each terminal the center knew before spans were kept: online
or offline as its row says, from when its presence last flipped (or, unknown that, when it
was last heard from). Without it a terminal running through the deployment had no span,
and no uptime, until it reconnected."""

from typing import Any

from django.db import migrations


def open_spans(apps: Any, schema_editor: Any) -> None:
    using = schema_editor.connection.alias
    terminals = apps.get_model("fleet", "Terminal").objects.using(using)
    spans = apps.get_model("reports", "PresenceSpan").objects.using(using)
    with_span = set(spans.values_list("terminal_id", flat=True))
    spans.bulk_create([
        spans.model(terminal_id=pk, online=online, started_at=since or seen)
        for pk, online, since, seen in terminals.exclude(bd_seq__isnull=True).values_list(
            "pk", "online", "presence_since", "last_seen_at")
        if pk not in with_span and (since or seen) is not None])


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
        ("fleet", "0004_terminal_rating_key"),
    ]

    operations = [migrations.RunPython(open_spans, migrations.RunPython.noop)]
