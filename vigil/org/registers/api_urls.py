from django.urls import path

from vigil.org.registers import api

urlpatterns = [
    path("issued-numbers/", api.IssuedNumberList.as_view(), name="api-issuednumber-list"),
]
