"""The style linter: press-release wording and bureaucratese in Russian posts."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pymorphy3  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.content.style import (
    CATEGORY_LABELS,
    PHRASE_CATEGORIES,
    WEIGHTS,
    Finding,
    StyleReport,
    StyleRules,
    lint,
)
from publisher.core import i18n

MORPH = pymorphy3.MorphAnalyzer()

PLAIN_POST = """---
title: Каток у школы
networks: [vk, telegram]
---

# Второй каток зальём у школы № 1

Голосование закончилось: больше всего голосов у стадиона школы № 1 на ул. Ленина, д. 5.
Заливать начнём, как только ударят морозы, — обычно это середина декабря.

Что важно знать:

- коньки можно взять напрокат за 150 рублей;
- раздевалка работает с 10:00 до 21:00;
- по пятницам — дискотека на льду.

Подробности и схема проезда — на [сайте администрации](https://adm.example.ru/katok).
Пишите вопросы в комментариях или на press@adm.example.ru. #каток #зима
"""


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield


def found(text: str, rules: StyleRules | None = None) -> list[tuple[str, str]]:
    return [(f.category, text[f.start : f.end]) for f in lint(text, rules).findings]


@pytest.mark.parametrize(
    ("text", "category", "fragment"),
    [
        ("Ремонт осуществляет подрядчик.", "bureaucratic", "осуществляет"),
        ("В целях экономии свет выключат.", "bureaucratic", "В целях"),
        ("Работы идут в рамках программы.", "bureaucratic", "в рамках"),
        ("Каток является главной точкой.", "bureaucratic", "является"),
        ("Данное решение принято вчера.", "bureaucratic", "Данное"),
        ("Проведение работ по устранению аварии заняло ночь.", "noun_chain", None),
        ("Контроль за ходом выполнения работ ведёт глава.", "noun_chain", None),
        ("Было проведено собрание.", "passive", "Было проведено"),
        ("Открытие катка состоялось вчера.", "passive", "состоялось"),
        ("Уборка выполнена вовремя.", "passive", "выполнена"),
        ("Уборка снега проводится ночью.", "passive", "проводится"),
        ("Было решено перенести ярмарку.", "passive", "Было решено"),
        ("Доводим до вашего сведения, что воды не будет.", "formula", "Доводим до вашего сведения"),
        ("Праздник прошёл на высоком уровне.", "formula", "на высоком уровне"),
        ("Особое внимание было уделено дворам.", "formula", "Особое внимание было уделено"),
        ("Дороги очистят в кратчайшие сроки.", "cliche", "в кратчайшие сроки"),
        ("Работы выполнят в полном объёме.", "cliche", "в полном объёме"),
        ("Это крайне важно.", "cliche", "крайне"),
    ],
)
def test_each_category(text: str, category: str, fragment: str | None) -> None:
    hits = found(text)
    assert category in [c for c, _ in hits], hits
    if fragment is not None:
        assert (category, fragment) in hits


def test_noun_chain_span_starts_at_the_first_verbal_noun() -> None:
    text = "Администрация сообщает жителям о проведении работ по замене участка водопровода."
    assert ("noun_chain", "проведении работ по замене участка водопровода") in found(text)


def test_long_sentence() -> None:
    words = " ".join(["слово"] * 30)
    text = f"Коротко. {words.capitalize()}. Снова коротко."
    report = lint(text)
    [finding] = [f for f in report.findings if f.category == "long_sentence"]
    assert text[finding.start : finding.end] == words.capitalize()
    assert "30" in finding.message and "25" in finding.message
    assert not [f for f in lint(text, StyleRules(max_sentence_words=30)).findings]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = "Встреча пройдёт на ул. Ленина, д. 5, у памятника А. С. Пушкину в 12 часов."
    [finding] = lint(text, StyleRules(max_sentence_words=10)).findings
    assert finding.category == "long_sentence"
    assert (finding.start, finding.end) == (0, len(text) - 1)


@pytest.mark.parametrize("lemma", ["осуществлять", "являться", "мероприятие", "функционировать"])
def test_every_form_of_a_lemma(lemma: str) -> None:
    forms = {form.word for form in MORPH.parse(lemma)[0].lexeme}
    assert len(forms) > 5
    for form in sorted(forms):
        text = f"Вот {form} здесь."
        assert ("bureaucratic", form) in found(text), form


def test_every_form_of_an_adjective_next_to_its_noun() -> None:
    adjective, noun = MORPH.parse("данный")[0], MORPH.parse("вопрос")[0]
    for number in ("sing", "plur"):
        for case in ("nomn", "gent", "datv", "accs", "ablt", "loct"):
            first = adjective.inflect(
                {number, case, "masc"} if number == "sing" else {number, case}
            )
            second = noun.inflect({number, case})
            text = f"Решили {first.word} {second.word} вчера."
            assert ("bureaucratic", first.word) in found(text), text


def test_words_that_only_look_alike_are_not_flagged() -> None:
    for text in (
        "По данным синоптиков, завтра потеплеет.",  # data, not «данный»
        "Персональные данные мы не публикуем.",
        "Катя учится в пятом классе.",  # not «учащиеся»
        "Сила ветра до 20 метров в секунду.",  # not «силами»
        "Это важно знать.",  # not «важнейший»
        "В цель попал с первого раза.",  # not «в целях»
        "Мы проводим конкурс рисунков.",  # active voice
        "Мост закрыт на ремонт.",
        "Он живёт рядом с парком.",
    ):
        assert found(text) == [], text


def test_no_findings_in_a_plain_markdown_post() -> None:
    report = lint(PLAIN_POST)
    assert report.findings == ()
    assert report.score == 10.0


def test_markdown_code_urls_and_tags_are_skipped() -> None:
    text = (
        "```\nосуществляется\n```\n"
        "Код `является` и ссылка [тут](https://example.ru/осуществляется), "
        'тег #мероприятие, <b title="данный">жирный</b> и https://example.ru/в-целях.'
    )
    assert found(text) == []


def test_offsets_are_exact_for_every_occurrence() -> None:
    text = "🎄 **Ёлка!** Ремонт осуществляется. Потом: «осуществлялся ли ремонт?» Осуществляется."
    findings = lint(text).findings
    assert [text[f.start : f.end] for f in findings] == [
        "осуществляется",
        "осуществлялся",
        "Осуществляется",
    ]
    for finding in findings:
        assert finding.category == "bureaucratic"
        assert text[finding.start : finding.end] in finding.message


def test_suggestions_come_from_the_lists() -> None:
    [finding] = lint("Это осуществляет подрядчик.").findings
    assert "делать" in finding.suggestion
    [finding] = lint("В целях экономии свет выключат.").findings
    assert finding.suggestion == "чтобы, для"


def test_json_shape() -> None:
    report = lint("Данное мероприятие является важным. Доводим до вашего сведения.")
    data = json.loads(json.dumps(report.as_json(), ensure_ascii=False))
    assert set(data) == {"findings", "score"}
    assert isinstance(data["score"], float)
    assert data["findings"]
    for item in data["findings"]:
        assert set(item) == {"start", "end", "category", "message", "suggestion", "replacement"}
        assert isinstance(item["start"], int) and isinstance(item["end"], int)
        assert item["category"] in CATEGORY_LABELS
        assert item["message"] and item["suggestion"]
    assert data["findings"] == sorted(data["findings"], key=lambda f: (f["start"], f["end"]))


def test_score_bounds_and_normalization() -> None:
    assert lint("").score == 10.0
    assert lint("Снег уберём к обеду.").score == 10.0
    heavy = (
        "Доводим до вашего сведения, что в целях обеспечения безопасности данное мероприятие "
        "было проведено на высоком уровне в полном объёме."
    )
    assert lint(heavy).score == 0.0
    one = "Мероприятие прошло."
    padded = one + " Снег уберём к обеду, а лёд посыплем песком." * 10
    assert lint(one).score < lint(padded).score < 10.0
    for report in (lint(one), lint(padded)):
        assert report.score == round(report.score, 1)


def test_score_formula() -> None:
    # one bureaucratic word in a 3-word text: 10 - 80 * 1 / 20
    assert lint("Мероприятие прошло хорошо.").score == pytest.approx(
        10 - 80 * WEIGHTS["bureaucratic"] / 20
    )


def test_extra_entries() -> None:
    rules = StyleRules(extra={"cliche": [{"phrase": "шикарный", "suggestion": "красивый"}]})
    text = "Получился шикарная ёлка и шикарные гирлянды."
    findings = lint(text, rules).findings
    assert [(f.category, text[f.start : f.end], f.suggestion) for f in findings] == [
        ("cliche", "шикарная", "красивый"),
        ("cliche", "шикарные", "красивый"),
    ]
    assert lint(text).findings == ()


def test_reception_of_citizens_is_plain_russian() -> None:
    """«Приём граждан» names the service everyone knows; «граждане» alone stays bureaucratese,
    and so does the formula «уважаемые граждане»."""
    for plain in ("Приём граждан ведёт глава района.", "Личный приём граждан — по вторникам."):
        assert lint(plain).findings == (), plain
        assert lint(plain).score == 10.0
    [alone] = lint("Граждане пожилого возраста получат помощь.").findings
    assert alone.category == "bureaucratic"
    [formula] = lint("Уважаемые граждане, приём граждан переносится.").findings
    assert formula.category == "formula"
    assert [f.category for f in lint("Приём граждан осуществляется в среду.").findings] == [
        "bureaucratic"
    ], "the phrase keeps only its own words; the sentence's other findings stay"


@pytest.mark.parametrize(
    ("text", "found", "fix"),
    [
        ("Решение данного вопроса отложено.", "данного", "этого"),
        ("Данную работу сделали.", "Данную", "Эту"),
        ("Котельная функционирует.", "функционирует", "работает"),
        ("Бани функционировали всю зиму.", "функционировали", "работали"),
        ("В настоящее время дорогу чинят.", "В настоящее время", "Сейчас"),
        ("Долг оплатили в полном объёме.", "в полном объёме", "полностью"),
        ("Вследствие снегопада автобусы ходят реже.", "Вследствие", "Из-за"),
        ("Это одна из приоритетных задач.", "приоритетных", "главных"),
    ],
)
def test_a_safe_fix_is_given_in_the_found_words_form(text: str, found: str, fix: str) -> None:
    [finding] = lint(text).findings
    assert text[finding.start : finding.end] == found
    assert finding.replacement == fix


def test_no_fix_where_a_person_must_reword_or_markup_would_be_lost() -> None:
    for text in (
        "В целях экономии свет выключат.",  # the list gives advice, not a replacement
        "Работы осуществляются ночью.",
        "В **настоящее** время дорогу чинят.",  # the fix would drop the bold
    ):
        assert all(not f.replacement for f in lint(text).findings), text
    rules = StyleRules(
        extra={"cliche": [{"phrase": "в ... порядке", "suggestion": "уберите", "replace": "так"}]}
    )
    [gap] = lint("Сделали в срочном порядке.", rules).findings
    assert gap.replacement == "", "a phrase with a gap never gets a fix"
    extra = StyleRules(extra={"cliche": [{"phrase": "шикарный", "replace": "красивый"}]})
    [own] = lint("Получились шикарные гирлянды.", extra).findings
    assert own.replacement == "красивые", "a repository's own entry may carry a fix"


def test_extra_entry_without_suggestion_gets_a_generic_one() -> None:
    rules = StyleRules(extra={"formula": [{"phrase": "сообщает пресс-служба"}]})
    [finding] = lint("Как сообщает пресс-служба, снег уберут.", rules).findings
    assert finding.category == "formula" and finding.suggestion


def test_unknown_extra_category_is_an_error() -> None:
    with pytest.raises(ValueError, match="nonsense"):
        StyleRules(extra={"nonsense": [{"phrase": "что-то"}]})
    assert set(PHRASE_CATEGORIES) < set(CATEGORY_LABELS)


def test_ignore_by_lemma_phrase_and_category() -> None:
    text = "Мероприятия прошли. В рамках акции мероприятие повторят. Работы будут завершены."
    assert {c for c, _ in found(text)} == {"bureaucratic", "passive"}
    allowed = found(text, StyleRules(ignore=frozenset({"мероприятие", "в рамках"})))
    assert allowed == [("passive", "будут завершены")]
    assert found(text, StyleRules(ignore=frozenset({"завершить"}))) == [
        ("bureaucratic", "Мероприятия"),
        ("bureaucratic", "В рамках"),
        ("bureaucratic", "мероприятие"),
    ]
    assert all(c != "passive" for c, _ in found(text, StyleRules(ignore=frozenset({"passive"}))))


def test_messages_are_translated_through_gettext() -> None:
    i18n.set_language("en")
    [finding] = lint("Это осуществляет подрядчик.").findings
    assert finding.message == "Bureaucratic wording: осуществляет"
    assert all(isinstance(label, str) and label for label in CATEGORY_LABELS.values())


def test_report_is_a_value() -> None:
    finding = Finding(0, 1, "cliche", "m", "s", "r")
    report = StyleReport((finding,), 9.5)
    assert report.as_json() == {
        "findings": [
            {
                "start": 0,
                "end": 1,
                "category": "cliche",
                "message": "m",
                "suggestion": "s",
                "replacement": "r",
            }
        ],
        "score": 9.5,
    }


PIECES = [
    *"абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗ .,!?…:;-—«»\"'()[]`*_#@<>/\n\t0123456789",
    *("осуществляется ", "в целях ", "было проведено ", "https://x.ru/a ", "```", "ул. "),
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


@given(TEXT, st.integers(min_value=0, max_value=40))
@settings(max_examples=200, deadline=None)
def test_never_raises(text: str, limit: int) -> None:
    report = lint(text, StyleRules(max_sentence_words=limit))
    assert 0.0 <= report.score <= 10.0
    for finding in report.findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.category in CATEGORY_LABELS


@given(st.text(max_size=200))
@settings(max_examples=100, deadline=None)
def test_never_raises_on_any_unicode(text: str) -> None:
    report = lint(text)
    assert 0.0 <= report.score <= 10.0


def test_ignoring_a_long_phrase_keeps_the_words_inside_it() -> None:
    text = "В рамках реализации проекта отремонтируем дворы."
    assert found(text) == [("formula", "В рамках реализации")]
    rules = StyleRules(ignore=frozenset({"в рамках реализации"}))
    assert found(text, rules) == [("bureaucratic", "В рамках"), ("bureaucratic", "реализации")]


def test_a_words_reading_in_context_is_not_remembered_for_its_next_occurrence() -> None:
    # «данных»/«данным» read as «данный» only before a noun that agrees; the linter memoises
    # what it knows of each word, so the context part must still be worked out every time
    data, this = "По данным синоптиков, завтра потеплеет.", "Решили не поднимать данных вопросов."
    for text in (f"{data}\n\n{this}", f"{this}\n\n{data}", f"{data} {data}"):
        expected = [("bureaucratic", "данных")] if this in text else []
        assert found(text) == expected, text


def test_extra_entries_of_one_call_do_not_leak_into_the_next() -> None:
    text = "Шикарная ёлка и шикарные гирлянды."
    lush = StyleRules(extra={"cliche": [{"phrase": "шикарный"}]})
    tree = StyleRules(extra={"cliche": [{"phrase": "ёлка"}]})
    assert found(text, lush) == [("cliche", "Шикарная"), ("cliche", "шикарные")]
    assert found(text) == []
    assert found(text, tree) == [("cliche", "ёлка")]
    assert found(text, lush) == [("cliche", "Шикарная"), ("cliche", "шикарные")]


def test_the_lemma_table_of_the_lists_is_up_to_date() -> None:
    import json

    from publisher.content.style import DATA_DIR, LEMMAS_FILE, lemma_table

    shipped = json.loads((DATA_DIR / LEMMAS_FILE).read_text(encoding="utf-8"))

    assert shipped == lemma_table(), "the style lists changed: run make lemmas"


def test_the_settings_name_every_phrase_list_category() -> None:
    """publisher.yml's ``style.extra`` keys (core.config) are the linter's phrase categories."""
    from publisher.content.style import BUREAUCRATIC, CLICHE, FORMULA, PASSIVE
    from publisher.core.config import PHRASE_CATEGORIES

    assert set(PHRASE_CATEGORIES) == {FORMULA, BUREAUCRATIC, CLICHE, PASSIVE}
