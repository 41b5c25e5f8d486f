"""The evaluation panel on the exercise's page, and ``vigil exercises`` rate, finding,
action, actions."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string

from tests.exercises.evaluation.helpers import DIT, agency, conducted
from vigil.exercises.drills.demo import SEAPORT_TABLETOP
from vigil.exercises.drills.models import Exercise
from vigil.exercises.evaluation import demo
from vigil.exercises.evaluation.queries import panel_context

pytestmark = pytest.mark.django_db


def _panel(exercise: Exercise, user: Any) -> str:
    """The panel as the page includes it."""
    return render_to_string("exercises/_evaluation_panel.html", panel_context(exercise, user))


def test_the_panel_shows_ratings_findings_and_actions(persona: Callable[[str], Any]) -> None:
    seaport = Exercise.objects.get(name=SEAPORT_TABLETOP)
    context = panel_context(seaport, persona("congthuong"))["evaluation"]
    assert [o.rating for o in context["objectives"]] == ["P", "S", "M"]
    assert not context["can_rate"] and not context["can_record"]  # a participant reads
    assert context["open_count"] == len(context["actions"]) >= 3
    html = _panel(seaport, persona("congthuong"))
    assert demo.SEAPORT_STRENGTH in html and demo.DIT_FINDING in html
    assert "KB-CB 01: cần sửa đổi" not in html  # no plan tag for who cannot see the plan
    assert "/exercises/findings/" not in html  # no forms for a reader
    keeper = _panel(seaport, persona("thuongtruc"))
    assert demo.REVISION_FINDING in keeper
    assert "Giao biện pháp khắc phục" in keeper  # evaluated: actions may still be filed
    assert 'name="rating"' not in keeper  # evaluated: no more ratings


def test_a_conducted_exercise_s_panel_offers_the_rating_forms(
    persona: Callable[[str], Any],
) -> None:
    exercise = conducted()
    html = _panel(exercise, persona("thuongtruc"))
    assert html.count('name="rating"') == 2
    assert f"/exercises/{exercise.pk}/findings/new/" in html


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("exercises", *args, stdout=out)
    return out.getvalue()


def test_the_command_rates_records_files_and_lists() -> None:
    exercise = conducted(name="Diễn tập dòng lệnh")
    objective = exercise.objectives.get(number=1)
    with pytest.raises(CommandError, match="Xếp loại phải là P, S, M hoặc U"):
        _run("rate", str(objective.pk), "--rating", "X", "--as", "thuongtruc")
    assert _run("rate", str(objective.pk), "--rating", "P", "--as", "thuongtruc").split()[-1] == "P"
    with pytest.raises(CommandError):
        _run("rate", str(objective.pk), "--rating", "P", "--as", "congthuong")  # not found
    finding = _run("finding", str(exercise.pk), "--kind", "improvement", "--text", "Chậm",
                   "--objective", "2", "--as", "thuongtruc").split("\t")[0]  # fmt: skip
    with pytest.raises(CommandError, match="Nhập hạn hoàn thành"):
        _run("action", finding, "--agency", str(agency(DIT).pk), "--description", "Làm",
             "--as", "thuongtruc")  # fmt: skip
    _run("action", finding, "--agency", str(agency(DIT).pk), "--due", "31/12/2026",
         "--description", "Cập nhật danh bạ", "--as", "thuongtruc")  # fmt: skip
    listed = _run("actions", "--mine", "--state", "open", "--as", "congthuong")
    assert "Cập nhật danh bạ" in listed and "31/12/2026" in listed
    action = listed.split("\t")[0]
    with pytest.raises(CommandError, match="minh chứng"):  # no evidence: nothing changes
        _run("done", action, "--as", "congthuong")
    with pytest.raises(CommandError):  # not the responsible agency
        _run("done", action, "--reference", "BB 1", "--as", "xa_a")
    done = _run("done", action, "--reference", "Biên bản số 12/BB-SCT", "--as", "congthuong")
    assert "Cập nhật danh bạ" in done
    assert "Cập nhật danh bạ" in _run("actions", "--state", "closed", "--as", "congthuong")
