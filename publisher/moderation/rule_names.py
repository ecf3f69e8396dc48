"""A moderation rule id (``spam:phone+casino_hint+credit``, ``obscene:root:...``) as a reader
names it: the site's moderation log shows these names, never the ids.

An id is the category, then the kind of finding, then the word that matched or the spam signals
joined by ``+``. A matched word is left out: an obscene root is not shown on a public page, and
the comment itself is a click away. An unknown part is named by its category alone.
"""

from __future__ import annotations

from publisher.core.i18n import N_, _

CATEGORY_NAMES = {
    "obscene": N_("obscene language"),
    "insult": N_("insult"),
    "spam": N_("spam"),
    "unlawful": N_("unlawful content"),
    "custom": N_("the service's own rule"),
}

KIND_NAMES = {
    ("obscene", "root"): N_("obscene word"),
    ("obscene", "quoted"): N_("obscene word in a quote"),
    ("obscene", "vulgar"): N_("vulgar word"),
    ("insult", "phrase"): N_("insulting phrase"),
    ("insult", "slur"): N_("slur"),
    ("insult", "person"): N_("insult aimed at a person"),
    ("insult", "weak"): N_("mild insult"),
    ("unlawful", "threat"): N_("threat"),
    ("unlawful", "drugs"): N_("drugs"),
    ("unlawful", "documents"): N_("forged documents"),
}

SPAM_SIGNALS = {
    "link": N_("outside link"),
    "links": N_("outside link"),
    "phone": N_("phone number"),
    "email": N_("e-mail address"),
    "repeated": N_("repeated message"),
    "adult": N_("adult content"),
    "casino": N_("casino"),
    "cheap": N_("cheap offer"),
    "contact": N_("write privately"),
    "credit": N_("loans"),
    "crypto": N_("cryptocurrency"),
    "debt": N_("debts"),
    "earnings": N_("easy earnings"),
    "follow": N_("follow the account"),
    "promo": N_("promotion"),
    "selling": N_("selling"),
    "shortener": N_("short link"),
    "tld": N_("suspicious site"),
}


def rule_name(rule: str) -> str:
    """``spam:phone+casino_hint`` -> "спам: номер телефона, казино"; "—" for no rule."""
    if not rule.strip():
        return "—"
    category, _sep, rest = rule.strip().partition(":")
    if category not in CATEGORY_NAMES:
        return _("the service's own rule")
    name = _(CATEGORY_NAMES[category])
    if category == "spam":
        details = _spam_signals(rest)
    else:
        kind = KIND_NAMES.get((category, rest.partition(":")[0]))
        details = [_(kind)] if kind else []
    return (
        _("{category}: {details}", category=name, details=", ".join(details)) if details else name
    )


def _spam_signals(signals: str) -> list[str]:
    names: list[str] = []
    for signal in signals.split("+"):
        key = signal.partition(":")[0].removesuffix("_hint")
        label = _(SPAM_SIGNALS[key]) if key in SPAM_SIGNALS else ""
        if label and label not in names:
            names.append(label)
    return names
