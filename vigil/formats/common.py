"""The input formats both languages share: day first, then ISO."""

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 25/11/2026: the first is also how a text date field shows its value
    "%d/%m/%y",  # 25/11/26
    "%d-%m-%Y",  # 25-11-2026
    "%d.%m.%Y",  # 25.11.2026
    "%Y-%m-%d",  # 2026-11-25: ISO, as date pickers and scripts send it
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S.%f",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]
