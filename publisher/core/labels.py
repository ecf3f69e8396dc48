"""The reader's word for every internal key a person may meet: one table per kind.

Keys (``improvement``, ``spam:phone+credit``, ``create``) stay in files, JSON and trailers;
whatever a person reads (terminal, the plan comment, commits, the site) goes through these
tables. An unknown key (a category from the repository's own rules) is shown as written.
"""

from __future__ import annotations

from publisher.core.i18n import N_, _

#: what a plan does for a post on a network
ACTION_KINDS = {
    "create": N_("create"),
    "update": N_("update"),
    "replace": N_("replace"),
    "delete": N_("delete"),
    "noop": N_("no change"),
    "wait": N_("waits"),
    "blocked": N_("blocked"),
    "manual": N_("by hand"),
    "reply": N_("reply"),
    "move": N_("moved"),
}
#: how an action ended
OUTCOMES = {
    "done": N_("done"),
    "failed": N_("failed"),
    "uncertain": N_("uncertain"),
    "skipped": N_("skipped"),
    "manual": N_("by hand"),
}
#: the subjects citizens' messages are filed under (``data/inbox.yml``)
INBOX_CATEGORIES = {
    "roads": N_("roads"),
    "utilities": N_("utilities"),
    "transport": N_("transport"),
    "education": N_("education"),
    "health": N_("health care"),
    "improvement": N_("improvement"),
    "other": N_("other"),
}
#: what the moderation removes or leaves for a person
MODERATION_CATEGORIES = {
    "obscene": N_("obscene language"),
    "insult": N_("insults"),
    "spam": N_("spam"),
    "unlawful": N_("unlawful content"),
    "custom": N_("own rules"),
}
#: the middle part of a moderation rule id (``obscene:root:…``, ``unlawful:threat:…``)
RULE_KINDS = {
    "root": N_("swear word"),
    "quoted": N_("quoted swear word"),
    "vulgar": N_("vulgar word"),
    "phrase": N_("phrase"),
    "slur": N_("slur"),
    "weak": N_("mild word"),
    "person": N_("at a person"),
    "threat": N_("threat"),
    "hint": N_("hint"),
    "call": N_("call to violence"),
    "drugs": N_("drugs"),
    "job": N_("job offer"),
    "documents": N_("forged documents"),
    "weapons": N_("weapons"),
    "personal_data": N_("another person's data"),
    "counterfeit": N_("counterfeit money"),
    "votes": N_("vote buying"),
    "bypass": N_("illegal connection to utilities"),
    "model": N_("by the trained model's estimate"),
}
#: the spam signals (``data/moderation/spam.txt`` and the detector's own)
SPAM_SIGNALS = {
    "link": N_("link"),
    "phone": N_("phone number"),
    "email": N_("e-mail"),
    "repeated": N_("the same text again"),
    "selling": N_("selling"),
    "contact": N_("write to me"),
    "earnings": N_("easy money"),
    "earnings_hint": N_("work from home"),
    "cheap": N_("cheap"),
    "casino": N_("casino"),
    "casino_hint": N_("gambling hint"),
    "credit": N_("loans"),
    "debt": N_("debts"),
    "crypto": N_("crypto"),
    "adult": N_("adult services"),
    "follow": N_("like for like"),
    "promo": N_("promotion"),
    "shortener": N_("short link"),
    "pay": N_("pay per day"),
    "income": N_("income promised"),
    "courier": N_("couriers wanted"),
    "invest": N_("guaranteed investment"),
    "guarantee": N_("guaranteed returns"),
    "drop": N_("bank cards bought"),
    "occult": N_("fortune telling"),
    "giveaway": N_("money handed out"),
    "handle": N_("messenger name"),
    "plus": N_("write a plus"),
    "hiring": N_("people wanted"),
    "service": N_("paid service terms"),
    "offer": N_("money offered"),
    "betting": N_("betting tips"),
    "betting_hint": N_("betting hint"),
    "adult_hint": N_("dating"),
    "quick_loan": N_("money to anyone"),
    "prize": N_("prize for nothing"),
    "mule": N_("cards or accounts bought"),
    "promotion": N_("paid promotion"),
    "scheme": N_("easy-money scheme"),
    "miracle": N_("miracle cure"),
    "home_income": N_("income from home"),
    "crypto_cash": N_("crypto for cash"),
    "employer": N_("employer's terms"),
    "answers": N_("exam answers sold"),
    "trading": N_("trading bot or business shares"),
    "profile": N_("see my profile"),
    "payout": N_("payout from the state"),
    "phishing": N_("phishing"),
    "collectibles": N_("coins and badges bought"),
    "bot_link": N_("link to a messenger bot"),
    "job_prepay": N_("prepayment asked for a job or a purchase"),
    "abroad": N_("work abroad for girls"),
    "relative": N_("a relative in trouble"),
    "trade": N_("a firm's services"),
    "occult_hint": N_("fortune telling hint"),
    "adult_word": N_("a word of adult ads"),
    "listing": N_("a list of goods or services with a phone"),
    "prize_hint": N_("you have won"),
    "channel": N_("subscribe to a channel"),
}


def _label(table: dict[str, str], key: str) -> str:
    return _(table[key]) if key in table else key


def action_label(kind: str) -> str:
    return _label(ACTION_KINDS, kind)


def outcome_label(outcome: str) -> str:
    return _label(OUTCOMES, outcome)


def category_label(key: str) -> str:
    """A citizen's message's or a comment's category (``transport`` -> «транспорт»)."""
    return _label(INBOX_CATEGORIES, key) if key in INBOX_CATEGORIES else moderation_label(key)


def moderation_label(key: str) -> str:
    return _label(MODERATION_CATEGORIES, key)


def rule_label(rule: str, reveal: bool = True) -> str:
    """A moderation rule id as a reader says it: ``spam:phone+credit`` -> «спам: номер
    телефона, займы»; ``obscene:root:бля`` -> «мат: бранное слово «бля»». ``reveal=False``
    leaves out the words the rule matched (a public page must not repeat an obscenity)."""
    category, _sep, rest = rule.partition(":")
    if not rest:
        return moderation_label(category) if rule else "—"
    if category == "model":  # model:insult: the learned model removed it as an insult
        return f"{moderation_label(rest)}: {_(RULE_KINDS['model'])}"
    if category == "spam":
        signals = (signal.partition(":")[0] for signal in rest.split("+"))  # repeated:posts
        details = [_label(SPAM_SIGNALS, signal) for signal in signals if signal]
    else:
        details = [
            _label(RULE_KINDS, part) if part in RULE_KINDS else f"«{part}»"
            for part in rest.split(":")
            if part and (reveal or part in RULE_KINDS)
        ]
    label = moderation_label(category)
    return f"{label}: {', '.join(details)}" if details else label
