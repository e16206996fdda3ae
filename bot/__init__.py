"""The delegate assistant: a multilingual (zh/en/it) RAG bot for conference delegates."""

LANGUAGES: tuple[str, ...] = ("zh", "en", "it")
"""Languages the bot answers in; the first match of a delegate's language wins, else English."""

DEFAULT_LANGUAGE = "en"
