"""Messages of the access part of the platform (key -> (Chinese, English)); merged into shuan.messages."""

MESSAGES: dict[str, tuple[str, str]] = {}
