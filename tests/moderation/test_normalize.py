"""Phone numbers as the model and the detector both read them (publisher.moderation.normalize)."""

from __future__ import annotations

import pytest

from publisher.moderation.normalize import has_mobile, has_phone


@pytest.mark.parametrize(
    ("text", "phone", "mobile"),
    [
        ("звоните 8-918-000-07-54", True, True),
        ("+7 (918) 000 07 54 Виктор", True, True),
        ("8-900-27-27-100", True, True),  # a mobile grouped the unusual way
        ("8 9ОО 1ОЗ 47 2З", True, True),  # letters typed for digits
        ("8 (918) 06З-44-21", True, True),
        ("звонила в приёмную 8 (86143) 2-15-80", False, False),  # an office's landline
        ("861 432 15 80", True, False),  # ten digits, but no mobile
        ("в 2023 году 15 домов", False, False),
        ("ООО «Ромашка», ЗОЛОТО 8 ОЗЕР", False, False),  # no digit beside the letters
        ("89180000754", True, True),
        ("189180000754", False, False),  # a longer run of digits is no phone
    ],
)
def test_phone_and_mobile(text: str, phone: bool, mobile: bool) -> None:
    assert has_phone(text) is phone
    assert has_mobile(text) is mobile
