"""Arabic and Urdu pages on a phone: the receipt code, the secret and the hotline number read left to right.

Each character's box (Range.getClientRects) must lie to the right of the one before, on the same line.
Drives Debian's Chromium through Playwright, as test_browser.py does; skipped, saying so, without it. Set
SCREENSHOTS=docs/screenshots to keep the pictures of the receipt and status pages.
"""

import os
import shutil
from pathlib import Path

import pytest

from vigil.intake.models import Report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True),
]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
HOTLINE = "+1 212-555-0100"
TEXTS = {
    "ar": "عناصر الهجرة يوقفون الناس عند زاوية روزفلت والشارع 74، ثلاث شاحنات",
    "ur": "امیگریشن کے اہلکار روزویلٹ اور 74 سٹریٹ کے کونے پر لوگوں کو روک رہے ہیں، تین گاڑیاں",
}

# The boxes of each character of the element's text, in the order of the text.
CHARACTER_BOXES = """(element) => {
    const boxes = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rect = range.getClientRects()[0];
            boxes.push({ch: node.data[i], left: rect.left, right: rect.right, top: rect.top});
        }
    }
    return boxes;
}"""


@pytest.fixture
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def public_settings(settings):
    settings.HOTLINE_NUMBER = HOTLINE
    settings.ALTCHA_ENABLED = False


def shot(page, name):
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        from PIL import Image

        path = Path(folder) / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, scale="css")
        # A 64-colour palette: a few kilobytes in the repository instead of tens.
        Image.open(path).convert("RGB").quantize(64).save(path, optimize=True)


def visual_order(page, selector) -> tuple[str, list[dict]]:
    element = page.locator(selector)
    return element.inner_text(), element.evaluate(CHARACTER_BOXES)


def assert_left_to_right(page, selector, expected):
    text, boxes = visual_order(page, selector)
    assert text == expected
    assert "".join(box["ch"] for box in boxes) == expected
    for before, after in zip(boxes, boxes[1:], strict=False):
        assert after["top"] == before["top"], f"{selector}: {after['ch']!r} wrapped to another line"
        assert after["left"] >= before["right"] - 0.5, f"{selector}: {after['ch']!r} shown left of {before['ch']!r}"


@pytest.mark.parametrize("language", ["ar", "ur"])
def test_it_shows_code_secret_and_hotline_left_to_right_on_the_receipt_and_status_pages(browser, live_server, language):
    context = browser.new_context(locale=language, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/report/?lang={language}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_left_to_right(page, "#hotline bdi", HOTLINE)
    page.fill("#text", TEXTS[language])
    page.select_option("#area", "QN0301")
    page.click("button[type=submit]")
    page.wait_for_selector("#receipt")
    report = Report.objects.get()
    secret = page.inner_text("#secret")
    shot(page, f"receipt-{language}")
    assert_left_to_right(page, "#receipt bdi", report.receipt_code)
    assert_left_to_right(page, "#secret bdi", report.receipt_secret)
    assert_left_to_right(page, "#hotline bdi", HOTLINE)

    page.goto(f"{live_server.url}/report/status/")
    assert_left_to_right(page, "#hotline bdi", HOTLINE)
    page.fill("#code", report.receipt_code.lower())
    page.fill("#secret", " ".join(secret.lower().split("-")))  # as someone might type it from paper
    page.click("button[type=submit]")
    page.wait_for_selector("#status")
    page.click("summary")
    shot(page, f"status-{language}")
    assert_left_to_right(page, "#receipt bdi", report.receipt_code)
    assert_left_to_right(page, "#secret bdi", report.receipt_secret)
    assert_left_to_right(page, "#hotline bdi", HOTLINE)
    context.close()


def test_its_measure_sees_a_number_reversed_without_isolation(browser, live_server):
    """The measure can fail: the same number, unisolated after Arabic words, shows its groups reversed."""
    context = browser.new_context(locale="ar", **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/report/?lang=ar")
    page.locator("#hotline").evaluate("(p) => { p.textContent = 'اتصل بنا: 212-555-0100'; }")
    _text, boxes = visual_order(page, "#hotline")
    digits = [box for box in boxes if box["ch"] in "0123456789-"]
    assert "".join(box["ch"] for box in digits) == "212-555-0100"
    assert any(after["left"] < before["left"] for before, after in zip(digits, digits[1:], strict=False))
    context.close()
