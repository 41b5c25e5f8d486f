"""What a committee's documents print about it, read from the directory: the host body
above its name, the place before the date, and who signs for its head by default.

Every document Vigil prints (issued documents, consolidated reports, plan versions,
flash reports) takes these from here, so they all say the same thing.
"""

from __future__ import annotations

from vigil.core import clock
from vigil.core.documents.official import Signature
from vigil.org.models import Agency, Committee, Period, Post, PostHolder


def host_agency(committee: Committee) -> Agency | None:
    """The agency of the committee's head's post ("Ủy ban nhân dân tỉnh …"): printed
    above the committee's name, and whom its reports are addressed to."""
    head = committee.posts.filter(kind=Post.Kind.HEAD).select_related("agency").first()
    return head.agency if head is not None else None


def parent_body(committee: Committee) -> str:
    """The host body printed above the committee: the agency of its head's post, in full."""
    agency = host_agency(committee)
    return agency.name.upper() if agency is not None else ""


def place_of(committee: Committee) -> str:
    """The place printed before the date: the province's name without "Tỉnh"."""
    unit = committee.admin_unit
    if unit is None:
        return ""
    province = unit.parent or unit
    return province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")


def standing_deputy(committee: Committee) -> PostHolder | None:
    """Today's holder of the committee's standing deputy post, if any."""
    return (
        PostHolder.objects.filter(
            Period.current_on(clock.today()),
            post__committee=committee,
            post__kind=Post.Kind.STANDING_DEPUTY,
        )
        .select_related("post")
        .first()
    )


def default_signature(committee: Committee) -> Signature:
    """The standing deputy signs for the head (KT. TRƯỞNG BAN) when the post is held;
    otherwise the document is signed for the committee (TM. BAN CHỈ ĐẠO)."""
    holder = standing_deputy(committee)
    if holder is None:
        return Signature(name="", title="TRƯỞNG BAN", form="TM.", authority="BAN CHỈ ĐẠO")
    return Signature(
        name=holder.holder_name, title=holder.post.title.upper(), form="KT.",
        authority="TRƯỞNG BAN", host_position=holder.position.upper(),
    )  # fmt: skip
