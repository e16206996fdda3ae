"""End to end over real HTTP: an organiser's publish that fills a "not published" gap is what
delegates get next, in every language (issue 9). Same emulator and bridge as tests/test_e2e.py."""

from bot.texts import staff_text
from tests import test_e2e_staff as staff_e2e
from tests.conftest import entry_text

staff_settings, staffed_bot = staff_e2e.staff_settings, staff_e2e.staffed_bot  # the staffed bot's fixtures

# Test content (the seed article publishes no Wi-Fi details): body, a question, a word of its language.
WIFI = {
    "en": ("The Wi-Fi network at the venue is DockNet, password lishui2023.", "wifi password pls", "network"),
    "zh": ("会场无线网络（Wi-Fi）名称为 DockNet，密码是 lishui2023。", "wifi密码多少", "密码"),
    "it": ("La rete Wi-Fi della sede è DockNet, password lishui2023.", "qual e la pasword del wifi", "rete"),
}


def wifi_file(lang: str) -> bytes:
    body, _, _ = WIFI[lang]
    return entry_text("venue-wifi", lang, body, title="Wi-Fi").encode()


async def publish(bot, organiser, name: str, content: bytes) -> None:
    file_id = bot.harness.bridge.host_file(content)
    await organiser.send_document(file_id, name, len(content))
    preview = await organiser.wait_for(lambda m: "would change the knowledge base" in m.text)
    await organiser.press(staff_text("en", "publish"), preview)
    await organiser.wait_for_edit(preview, lambda m: m.text.startswith(f"✅ Published {name}"), timeout=120)


async def test_a_publish_that_fills_a_gap_is_answered_in_every_language(staffed_bot):
    delegates = {lang: staffed_bot.delegate(language_code=lang) for lang in WIFI}
    for lang, delegate in delegates.items():
        before = await delegate.ask(WIFI[lang][1])
        assert "lishui2023" not in before.text and "/human" in before.text

    olga = staffed_bot.delegate(user_id=staff_e2e.ORGANISER_ID, first_name="Olga", language_code="en")
    for lang in WIFI:
        await publish(staffed_bot, olga, f"venue-wifi.{lang}.md", wifi_file(lang))

    for lang, delegate in delegates.items():
        after = await delegate.ask(WIFI[lang][1])
        assert "lishui2023" in after.text and WIFI[lang][2] in after.text, after.text
