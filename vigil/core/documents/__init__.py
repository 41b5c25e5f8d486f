"""Official documents: the Decree 30/2020 .docx builder and the edXML mapping.

Every app that issues a document describes it as an ``OfficialDocument`` and
calls ``build_docx`` (decree30.py; the drawing is in _layout.py with the
primitives of typesetting.py); the ``check`` package checks any .docx against the same layout (``vigil docx check FILE``); every app
that exchanges documents with an agency's document management system goes
through ``edxml``.
"""
