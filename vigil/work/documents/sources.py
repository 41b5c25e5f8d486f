"""The first draft of a document issued from a record: a meeting's conclusions
notice (thông báo kết luận) or a work plan (kế hoạch). The clerk edits it in the
issuing form; the text is the document's own language, Vietnamese."""

from __future__ import annotations

from typing import Any

from vigil.core.classification import Classification
from vigil.core.numbering import DocType
from vigil.work.models import Meeting, WorkPlan


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def draft(record: Meeting | WorkPlan) -> tuple[dict[str, Any], list[str]]:
    """(the form's initial values, the points' texts)."""
    if isinstance(record, Meeting):
        return _notice(record)
    return _plan(record)


def _notice(meeting: Meeting) -> tuple[dict[str, Any], list[str]]:
    chair = meeting.chair
    when = "Ngày {}".format(meeting.held_on.strftime("%d/%m/%Y"))
    if meeting.starts_at:
        when += f", lúc {meeting.starts_at.hour} giờ {meeting.starts_at.minute:02d}"
    if meeting.venue:
        when += f", tại {meeting.venue}"
    title = _lower_first(meeting.title)
    who = f"{chair.post.title} {chair.holder_name}" if chair else "Ban Chỉ đạo"
    lines = [f"{when}, {who} chủ trì {title}."]
    attending = [a.name for a in meeting.attending.all()]
    if attending:
        lines.append("Tham dự có đại diện: {}.".format(", ".join(attending)))
    speaker = chair.post.title if chair else "Ban Chỉ đạo"
    lines.append(f"Sau khi nghe báo cáo và ý kiến của các thành viên, {speaker} kết luận như sau:")
    lines += [line.strip() for line in meeting.conclusions.splitlines() if line.strip()]
    lines.append("[points]")
    subject = f"Kết luận của {speaker} tại {title}" if chair else f"Kết luận {title}"
    initial = {
        "doc_type": DocType.THONG_BAO, "subject": subject[:500], "body": "\n".join(lines),
        "classification": Classification(meeting.classification),
    }  # fmt: skip
    return initial, [p.text for p in meeting.points.all()]


def _plan(plan: WorkPlan) -> tuple[dict[str, Any], list[str]]:
    subject = plan.title.removeprefix("Kế hoạch ").strip() or plan.title
    initial = {
        "doc_type": DocType.KE_HOACH, "subject": subject[:1].upper() + subject[1:],
        "body": "I. NHIỆM VỤ\nBan Chỉ đạo giao các cơ quan, đơn vị thực hiện:\n[points]",
        "classification": Classification(plan.classification),
    }  # fmt: skip
    return initial, [i.text for i in plan.items.all()]
