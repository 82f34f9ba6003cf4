"""The Visitors page: issue, list, revoke and save a pass card, as an operator may."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from tests.admin.conftest import INSTALLER
from tests.gui.admin.conftest import OPERATOR_PASSWORD, sign_in
from turnstile.admin.accounts import Role, User
from turnstile.admin.audit import AuditAction
from turnstile.admin.context import AdminContext
from turnstile.gui.admin.visitorspage import VisitorsPage
from turnstile.gui.admin.window import AdminWindow
from turnstile.vision.qr import QrReader


@pytest.fixture
def page(qtbot: QtBot, window: AdminWindow, context: AdminContext, admin: User) -> VisitorsPage:
    context.accounts.create("reception", OPERATOR_PASSWORD, Role.OPERATOR, by=INSTALLER)
    sign_in(qtbot, window, "reception", OPERATOR_PASSWORD)
    assert window.open_page("visitors")
    visitors = window.pages["visitors"]
    assert isinstance(visitors, VisitorsPage)
    return visitors


def test_issue_select_save_and_revoke(page: VisitorsPage, context: AdminContext,
                                      tmp_path: Path) -> None:
    page.visitor.setText("Zoë Ångström")
    page.host.setText("Dana")
    page.hours.setValue(4)
    issued = page.issue()
    assert issued is not None and page.message.kind == "ok"
    assert page.list.count() == 1 and "Zoë Ångström" in page.list.item(0).text()
    assert page.shown is not None and page.shown.code == issued.code
    assert page.preview.pixmap() is not None and not page.preview.pixmap().isNull()
    out = tmp_path / "card.png"
    assert page.save_card(out)
    image = np.asarray(cv2.imread(str(out)), np.uint8)
    assert QrReader().read(image) == issued.code
    assert page.revoke_selected() and "REVOKED" in page.list.item(0).text()
    page.current.setChecked(True)
    assert page.list.count() == 0
    actions = [e.action for e in context.audit.entries()]
    assert AuditAction.PASS_ISSUED in actions and AuditAction.PASS_REVOKED in actions
    assert issued.record.issued_by == "reception"


def test_the_form_says_what_is_wrong(page: VisitorsPage) -> None:
    assert page.issue() is None
    assert page.message.kind == "error" and "visitor's name" in page.message.text()
    assert not page.revoke_selected() and "select a pass" in page.message.text()
    assert not page.save_card(Path(os.devnull))


def test_validity_cannot_exceed_the_cap(page: VisitorsPage, context: AdminContext) -> None:
    assert page.hours.maximum() == context.config.passes.max_valid_h
