"""REST API for attachments: the same services as the pages.

``GET /api/v1/attachments/?parent_type=org.contactpoint&parent_id=5`` lists a
visible parent's files, ``POST`` (multipart: parent_type, parent_id, file,
classification) attaches one, ``GET /api/v1/attachments/<id>/download/``
returns the file and ``DELETE /api/v1/attachments/<id>/`` removes it.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.core import attachments, audit
from vigil.core.classification import Classification
from vigil.core.models import Attachment
from vigil.core.pages import acting


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    parent_type = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id", "parent_type", "parent_id", "name", "kind", "content_type", "size",
            "sha256", "classification", "uploaded_at", "uploaded_by_label",
        ]  # fmt: skip
        read_only_fields = fields

    def get_parent_type(self, obj: Attachment) -> str:
        return f"{obj.parent_type.app_label}.{obj.parent_type.model}"


class ParentSerializer(serializers.Serializer[Any]):
    parent_type = serializers.RegexField(r"^[a-z_]{1,50}\.[a-z0-9_]{1,100}$", max_length=151)
    parent_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class UploadSerializer(ParentSerializer):
    file = serializers.FileField(allow_empty_file=True)
    classification = serializers.ChoiceField(
        choices=Classification.choices, required=False, default=0
    )


PARENT_PARAMS = [
    OpenApiParameter("parent_type", str, required=True, description="e.g. org.contactpoint"),
    OpenApiParameter("parent_id", int, required=True),
]


class AttachmentList(generics.GenericAPIView[Attachment]):
    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()  # rows come from the visible parent only
    parser_classes = [MultiPartParser, FormParser]

    def _parent(self, data: Any) -> Any:
        params = ParentSerializer(data=data)
        params.is_valid(raise_exception=True)
        ct = attachments.parent_type(params.validated_data["parent_type"])
        return attachments.visible_parent(ct, params.validated_data["parent_id"], self.request.user)

    @extend_schema(parameters=PARENT_PARAMS, responses={200: AttachmentSerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        parent = self._parent(request.query_params)
        rows = list(attachments.attachments_of(parent, request.user).select_related("parent_type"))
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        shown = page if page is not None else rows
        # The names and sizes of classified files are read as much as the files are.
        audit.record_view(request.user, [parent, *shown], about=parent, path=request.path)
        data = AttachmentSerializer(shown, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=UploadSerializer, responses={201: AttachmentSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        upload = UploadSerializer(data=request.data)
        too_large = attachments.upload_too_large(request)
        if too_large is not None:
            raise too_large
        upload.is_valid(raise_exception=True)
        parent = self._parent(request.data)
        attachment = attachments.attach(
            parent,
            upload.validated_data["file"],
            actor=acting(request),
            classification=int(upload.validated_data["classification"]),
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDetail(generics.GenericAPIView[Attachment]):
    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()

    def get(self, request: Request, pk: int) -> Response:
        attachment, _parent = attachments.visible_attachment(pk, request.user)
        audit.record_view(request.user, [attachment], about=attachment, path=request.path)
        return Response(AttachmentSerializer(attachment).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        attachment, parent = attachments.visible_attachment(pk, request.user)
        attachments.delete_attachment(attachment, parent, actor=acting(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentDownload(generics.GenericAPIView[Attachment]):
    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The file goes out as it is whatever the client accepts; errors as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, "*/*"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The file.")
        }
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return attachments.download_response(request, pk)
