"""Date and time formats of our own, read before Django's (``FORMAT_MODULE_PATH``).

Django's Vietnamese locale has no input formats, so forms fell back to the American
mm/dd/yyyy: 01/11/2026 was read as 11 January and 15/11/2026 refused. Vigil writes
and reads dates as dd/mm/yyyy in either language; ISO dates (what a browser's date
picker sends) stay accepted."""
