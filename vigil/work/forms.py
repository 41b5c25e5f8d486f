"""Forms of the work pages: they validate input; the services write."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vigil.core import clock, dates
from vigil.core.classification import Classification
from vigil.core.numbering import DocType
from vigil.org.models import Agency, Committee, Period, Post, PostHolder
from vigil.work.models import Meeting, SigningForm, Task, Urgency


def _tree_agencies(committee: Committee) -> Any:
    return Agency.objects.filter(committee__path__startswith=committee.path).order_by("name")


class _ClassifiedForm(forms.Form):
    classification = forms.TypedChoiceField(
        label=_("Classification"), coerce=int, choices=Classification.choices, initial=0
    )

    def limit_classification(self, clearance: int) -> None:
        field = self.fields["classification"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(v, label) for v, label in Classification.choices if v <= clearance]


class DeadlineMixin(forms.Form):
    deadline = dates.DateField(label=_("Deadline"), required=False)
    deadline_working_days = forms.IntegerField(
        label=_("or within (working days)"), required=False, min_value=1, max_value=365
    )


class TaskCreateForm(_ClassifiedForm, DeadlineMixin):
    committee = forms.ModelChoiceField(
        label=_("Issuing committee"), queryset=Committee.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    lead = forms.ModelMultipleChoiceField(label=_("Lead agencies"), queryset=Agency.objects.none())
    supporting = forms.ModelMultipleChoiceField(
        label=_("Supporting agencies"), queryset=Agency.objects.none(), required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=Task.Priority.choices, initial=1
    )

    def __init__(self, *args: Any, committees: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees  # type: ignore[attr-defined]
        paths = Q()
        for path in committees.values_list("path", flat=True):
            paths |= Q(committee__path__startswith=path)
        agencies = (
            Agency.objects.filter(paths).order_by("name") if committees else Agency.objects.none()
        )
        self.fields["lead"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["supporting"].queryset = agencies  # type: ignore[attr-defined]
        self.limit_classification(clearance)


class DocumentForm(_ClassifiedForm):
    doc_type = forms.ChoiceField(label=_("Document type"), choices=DocType.choices)
    external_number = forms.IntegerField(
        label=_("Number given on paper"), required=False, min_value=1,
        help_text=_("Leave empty to take the next number of the committee's register."),
    )  # fmt: skip
    issue_date = dates.DateField(label=_("Date of issue"))
    subject = forms.CharField(label=_("Subject"), max_length=500)
    drafting_unit = forms.CharField(
        label=_("Drafting unit"), max_length=20, required=False, initial="VPTT",
        help_text=_("Its abbreviation, e.g. VPTT: in a công văn's number and in “Lưu: VT, VPTT.”"),
    )  # fmt: skip
    addressees = forms.ModelMultipleChoiceField(
        label=_("Addressed to (Kính gửi)"), queryset=Agency.objects.none(), required=False,
        help_text=_("A công văn, or a report to a superior body, says whom it is sent to."),
    )  # fmt: skip
    addressees_other = forms.CharField(
        label=_("Other addressees"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bodies outside the directory, one per line."),
    )  # fmt: skip
    body = forms.CharField(
        label=_("Body"), required=False, widget=forms.Textarea,
        help_text=_(
            "One paragraph per line. Lines such as “I. PURPOSE” are headings; a decision's "
            "articles begin “Điều 1.”; a line “[points]” marks where the points go."
        ),
    )  # fmt: skip
    legal_bases = forms.CharField(
        label=_("Legal bases (decision)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A decision's “Căn cứ …” lines, one per line."),
    )  # fmt: skip
    authority = forms.CharField(
        label=_("Deciding authority (decision)"), max_length=300, required=False,
        help_text=_("Empty: the signing post and the committee."),
    )  # fmt: skip
    recipients = forms.ModelMultipleChoiceField(
        label=_("Also sent to (Nơi nhận)"), queryset=Agency.objects.none(), required=False
    )
    recipients_other = forms.CharField(
        label=_("Other recipients"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Outside the directory, one per line, e.g. “Văn phòng TT BCĐ quốc gia (để b/c)”."),
    )  # fmt: skip
    signing_post = forms.ModelChoiceField(
        label=_("Signed for the post"), queryset=Post.objects.none()
    )
    signing_form = forms.ChoiceField(
        label=_("Signing form"), choices=SigningForm.choices, required=False
    )
    signer = forms.ModelChoiceField(label=_("Signer"), queryset=PostHolder.objects.none())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, required=False)

    def __init__(self, *args: Any, committee: Committee, clearance: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("issue_date", clock.today())
        super().__init__(*args, **kwargs)
        posts: Any = self.fields["signing_post"]
        posts.queryset = Post.objects.filter(committee=committee).select_related("agency")
        titles = Counter(p.title for p in posts.queryset)
        posts.label_from_instance = lambda p: _post_label(p, titles)
        signers: Any = self.fields["signer"]
        signers.queryset = PostHolder.objects.filter(
            Period.current_on(clock.today()), post__committee=committee
        ).select_related("post__agency")
        signers.label_from_instance = lambda h: f"{h.holder_name} — {_post_label(h.post, titles)}"
        agencies = _tree_agencies(committee)
        self.fields["addressees"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["recipients"].queryset = agencies  # type: ignore[attr-defined]
        self.limit_classification(clearance)


class PointForm(DeadlineMixin):
    text = forms.CharField(
        label=_("Point"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    lead = forms.ModelMultipleChoiceField(
        label=_("Lead agencies"), queryset=Agency.objects.none(), required=False
    )
    supporting = forms.ModelMultipleChoiceField(
        label=_("Supporting agencies"), queryset=Agency.objects.none(), required=False
    )

    def __init__(self, *args: Any, committee: Committee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = _tree_agencies(committee)
        self.fields["lead"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["supporting"].queryset = agencies  # type: ignore[attr-defined]


PointFormSet = forms.formset_factory(PointForm, extra=3, max_num=20)


def _post_label(post: Post, titles: Counter[str]) -> str:
    """Several members share the title "Ủy viên": their agency tells them apart."""
    if titles[post.title] > 1 and post.agency is not None:
        return f"{post.title} ({post.agency.name})"
    return post.title


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input: a plain FileField takes the list the widget gives
    for one file and refuses it ("no file was submitted")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        chosen = [f for f in data if f] if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in chosen if f]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NoteForm(VersionForm):
    note = forms.CharField(
        label=_("Report"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    report_files = MultipleFileField(label=_("Files"), required=False)


class AcceptForm(VersionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
    for_the_head = forms.BooleanField(label=_("Accept on the head's behalf (KT.)"), required=False)


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class TaskEditForm(VersionForm):
    deadline = dates.DateField(label=_("Deadline"))
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=Task.Priority.choices
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)


class TaskFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state")), ("open", _("Any open state")), *Task.State.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(label=_("Title contains"), required=False, max_length=100)


class PlanForm(_ClassifiedForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300)

    def __init__(self, *args: Any, clearance: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", clock.today().year)
        super().__init__(*args, **kwargs)
        self.limit_classification(clearance)


class MeetingForm(_ClassifiedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = dates.DateField(label=_("Date"))
    starts_at = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    venue = forms.CharField(label=_("Place"), max_length=300, required=False)
    chair = forms.ModelChoiceField(
        label=_("Chaired by"), queryset=PostHolder.objects.none(), required=False
    )
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea)
    invited = forms.ModelMultipleChoiceField(
        label=_("Invited agencies"), queryset=Agency.objects.none(), required=False
    )
    attending = forms.ModelMultipleChoiceField(
        label=_("Attending agencies"), queryset=Agency.objects.none(), required=False
    )
    conclusions = forms.CharField(label=_("Conclusions"), required=False, widget=forms.Textarea)
    reviews_year = forms.IntegerField(
        label=_("Annual review of the year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("For the annual review conference only: the year it reviews."),
    )

    def __init__(self, *args: Any, committee: Committee, clearance: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("held_on", clock.today())
        super().__init__(*args, **kwargs)
        agencies = _tree_agencies(committee)
        self.fields["invited"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["attending"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["chair"].queryset = (  # type: ignore[attr-defined]
            PostHolder.objects.filter(
                Period.current_on(clock.today()), post__committee=committee
            ).select_related("post")
        )
        self.limit_classification(clearance)


class IncomingForm(_ClassifiedForm):
    issuer = forms.ModelChoiceField(
        label=_("Issuer (from the directory)"), queryset=Agency.objects.none(), required=False
    )
    issuer_name = forms.CharField(label=_("or the issuer as named"), max_length=300, required=False)
    number = forms.CharField(label=_("Number"), max_length=20)
    notation = forms.CharField(label=_("Symbol"), max_length=60, required=False)
    doc_date = dates.DateField(label=_("Date of the document"))
    subject = forms.CharField(label=_("Subject"), max_length=500)
    deadline = dates.DateField(label=_("Deadline"), required=False)
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = Agency.objects.exclude(  # type: ignore[attr-defined]
            kind=Agency.Kind.LICENSED_ORGANISATION
        ).order_by("name")
        self.limit_classification(clearance)


class EdxmlImportForm(_ClassifiedForm):
    package = forms.FileField(label=_("edXML package"))

    def __init__(self, *args: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_classification(clearance)


class HandlerForm(forms.Form):
    handler = forms.ModelChoiceField(
        label=_("Assign for handling to"), queryset=Agency.objects.none()
    )

    def __init__(self, *args: Any, committee: Committee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = _tree_agencies(committee)  # type: ignore[attr-defined]
