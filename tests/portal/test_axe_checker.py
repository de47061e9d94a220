"""The accessibility checker used by the browser tests really reports problems."""

import pytest

pytestmark = [pytest.mark.browser]


def test_axe_check_fails_on_an_image_without_alternative_text(page, axe):
    page.set_content("<html lang='en'><body><main><img src='data:,'></main></body></html>")

    with pytest.raises(AssertionError, match="image-alt"):
        axe(page, "a page with an unlabelled image")
