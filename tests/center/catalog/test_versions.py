"""Catalog versions kept on SQLite and on PostgreSQL: each checked with the terminal's own
rules before it is kept, one line of history per district, a version string naming one
file only, roll-back as a new version; and a push, one signed command per terminal."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError
from django.utils import timezone

from center.audit.models import AuditEntry
from center.catalog.models import CatalogVersion, VersionKind
from center.catalog.push import push_version
from center.catalog.versions import (
    CatalogChanged,
    VersionRefused,
    current_version,
    keep_version,
    roll_back,
    suggested_version,
)
from center.commands.models import Command
from center.fleet.models import Terminal
from center.ingest.batch import ingest_batch
from contract.command_signing import open_envelope
from tests.fixtures.center_catalog import keep, small
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_messages import PREFIX, FakeTerminal

pytestmark = pytest.mark.django_db(databases=DATABASES)


def person(using: str) -> User:
    return User.objects.db_manager(using).create_user("district-admin")


def test_versions_make_one_line_and_the_newest_is_current(using):
    admin = person(using)
    first = keep(admin, small("xc-1"), using=using)
    second = keep(admin, small("xc-2", {'fees = ""': 'fees = "不收费"'}), using=using,
                  kind=VersionKind.EDIT, note="免费办理")

    assert current_version("xc", using) == second
    assert (second.based_on, second.version, second.items, second.created_by_name) == (
        first, "xc-2", 2, "district-admin")
    assert second.note == "免费办理"
    assert b'fees = "\xe4\xb8\x8d\xe6\x94\xb6\xe8\xb4\xb9"' in bytes(second.toml)
    assert current_version("other", using) is None
    entry = AuditEntry.objects.using(using).order_by("pk").last()
    assert (entry.action, entry.username, entry.detail["version"], entry.detail["based_on"]) \
        == ("catalog.version_kept", "district-admin", "xc-2", "xc-1")


def test_a_catalog_a_terminal_would_refuse_is_not_kept_and_says_why(using):
    admin = person(using)
    bad = small("xc-1", {'level = "village"': 'level = "town"'})

    with pytest.raises(VersionRefused) as refusal:
        keep(admin, bad, using=using)

    assert str(refusal.value) == (
        "终端会拒收这份目录：replacement catalog: item t-002 (高龄老人生活保障补贴核发): level: "
        "'town' is not allowed; choose one of 'village', 'township', 'street', 'district'")
    assert not CatalogVersion.objects.using(using).exists()
    assert not AuditEntry.objects.using(using).exists()


def test_a_stale_review_the_current_catalog_again_and_a_reused_version_are_refused(using):
    admin = person(using)
    first = keep(admin, small("xc-1"), using=using)
    keep(admin, small("xc-2", {'fees = ""': 'fees = "不收费"'}), using=using)

    with pytest.raises(CatalogChanged):     # reviewed against xc-1, but xc-2 came first
        keep_version(admin, "xc", small("xc-3"), kind=VersionKind.EDIT, based_on=first.pk,
                     using=using)
    with pytest.raises(VersionRefused, match="当前版本"):
        keep(admin, small("xc-2", {'fees = ""': 'fees = "不收费"'}), using=using)
    with pytest.raises(VersionRefused, match="版本 xc-1 已在"):
        keep(admin, small("xc-1", {'fees = ""': 'fees = "10元"'}), using=using)
    assert CatalogVersion.objects.using(using).count() == 2
    assert suggested_version("xc", "xc-1", using) == "xc-3"     # xc-2 is taken
    assert suggested_version("xc", "2026 edition", using) == "2026 edition-2"


def test_rolling_back_keeps_the_whole_history(using):
    admin = person(using)
    first = keep(admin, small("xc-1"), using=using)
    second = keep(admin, small("xc-2", {'fees = ""': 'fees = "不收费"'}), using=using)

    back = roll_back(admin, first, based_on=second.pk, using=using)

    assert current_version("xc", using) == back
    assert (back.version, back.kind, back.restores, back.based_on) == (
        "xc-1", VersionKind.ROLLBACK, first, second)
    assert back.note == "退回到版本 xc-1"
    assert bytes(back.toml) == bytes(first.toml)
    assert list(CatalogVersion.objects.using(using).order_by("pk")) == [first, second, back]
    with pytest.raises(VersionRefused, match="当前版本"):
        roll_back(admin, first, based_on=back.pk, using=using)


def test_two_first_versions_of_a_district_cannot_both_be_kept(using):
    admin = person(using)
    keep(admin, small("xc-1"), using=using)
    keep(admin, small("yt-1"), district="yt", using=using)

    with pytest.raises(CatalogChanged):
        keep_version(admin, "xc", small("xc-9"), kind=VersionKind.UPLOAD, based_on=None,
                     using=using)
    # The constraint behind it, for writers that raced past the check.
    with pytest.raises(IntegrityError):
        CatalogVersion.objects.using(using).create(
            district="xc", version="xc-9", toml=b"", sha256="0" * 64, items=0,
            kind=VersionKind.UPLOAD, created_by_name="x", created_at=timezone.now())


@pytest.mark.django_db
def test_a_push_is_one_signed_command_per_terminal_of_the_district(signing_key):
    admin = User.objects.create_user("district-admin")
    version = keep(admin, small("xc-7"))
    now = timezone.now()
    here, there = FakeTerminal("xc-hsz-01"), FakeTerminal("yt-001", district="yt")
    ingest_batch([here.birth(1, now), there.birth(1, now)], prefix=PREFIX)

    sent = push_version(admin, version, list(Terminal.objects.all()), "新增收费说明")

    [command] = sent
    assert (command.terminal.terminal_id, command.type) == ("xc-hsz-01", "guide.replace_catalog")
    assert command.reason == "服务目录版本 xc-7：新增收费说明"
    body = json.loads(open_envelope(bytes(Command.objects.get().envelope),
                                    signing_key.public_key()))
    assert base64.b64decode(body["args"]["catalog"]) == bytes(version.toml)
    # The file travels only in the signed envelope; the row and the audit keep its digest.
    digest = {"catalogSha256": hashlib.sha256(bytes(version.toml)).hexdigest(),
              "catalogBytes": len(bytes(version.toml))}
    assert Command.objects.get().args == digest
    assert AuditEntry.objects.get(action="command.issued").detail["args"] == digest
    pushed = AuditEntry.objects.get(action="catalog.pushed")
    assert pushed.detail["terminals"] == ["xc-hsz-01"]
    assert pushed.detail["version"] == "xc-7"
