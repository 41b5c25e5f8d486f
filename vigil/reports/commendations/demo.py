"""The demo's commendation proposals, through the services: a decided Giấy khen of the
province committee's head to the Department of Industry and Trade (with its
decision), a proposed Bằng khen of the provincial chairman to commune A's committee,
and a proposal for one person (name, position and unit only) of the Provincial Police.

Called by ``vigil/home/demo.py:seed_demo`` after the exercises (the evidence cites
them): ``seed_commendations(world, actor)``."""

from __future__ import annotations

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.org.demo import OrgWorld
from vigil.reports.commendations import services
from vigil.reports.commendations.evidence import evidence_for
from vigil.reports.commendations.models import Authority, Commendation, CommendationForm

DECISION_NUMBER = "125/QĐ-BCĐ"
PERSON_NAME = "Nguyễn Văn Minh"


def _kinds(items: list[dict[str, str]]) -> list[str]:
    """The items worth citing: not a zero share."""
    return [i["kind"] for i in items if not i["figure"].startswith("0/")]


def seed_commendations(world: OrgWorld, actor: SystemActor) -> list[Commendation]:
    today = clock.today()
    year = today.year
    province, commune_a = world.committees["province"], world.committees["a"]
    dit, police = world.agencies["dit"], world.agencies["police"]
    made: list[Commendation] = []
    kinds = _kinds(list(evidence_for(actor, year, agency=dit)))  # type: ignore[arg-type]
    if kinds:
        decided = services.propose(
            province, actor=actor, year=year, form=CommendationForm.GIAY_KHEN,
            authority=Authority.COMMITTEE_HEAD, recipient_agency=dit, evidence_kinds=kinds,
            achievement=("Đã có thành tích xuất sắc trong công tác quản lý vật liệu nổ công "
                         f"nghiệp và phối hợp phòng, chống khủng bố năm {year}"),
        )  # fmt: skip
        decided = services.review(decided, actor=actor, note="Hồ sơ đầy đủ, đủ điều kiện.")
        made.append(services.decide(decided, actor=actor, number=DECISION_NUMBER, on=today))
    kinds = _kinds(list(evidence_for(actor, year, committee=commune_a)))  # type: ignore[arg-type]
    if kinds:
        made.append(services.propose(
            province, actor=actor, year=year, form=CommendationForm.BANG_KHEN,
            authority=Authority.PROVINCE_CHAIRMAN, recipient_committee=commune_a,
            evidence_kinds=kinds,
        ))  # fmt: skip
    kinds = _kinds(list(evidence_for(actor, year, agency=police)))  # type: ignore[arg-type]
    if kinds:
        made.append(services.propose(
            province, actor=actor, year=year, form=CommendationForm.GIAY_KHEN,
            authority=Authority.POLICE_DIRECTOR, person_name=PERSON_NAME,
            person_position="Phó Trưởng phòng An ninh đối nội", unit=police,
            evidence_kinds=kinds[:1],
            achievement=("Trực tiếp tham mưu xây dựng và tổ chức diễn tập phương án bảo vệ "
                         "cảng biển, xử lý kịp thời các cảnh báo trong năm"),
        ))  # fmt: skip
    return made
