"""The moderation detector: the goal on the labelled comments, and each rule on its own.

The labelled set is measured by ``bench/moderation_eval.py``: the tuning part (``comments.tsv``)
and the validation batch (``validation.tsv``) must meet the goal of issue #21 (precision >= 0.98
and recall >= 0.93 of "remove", at most 5% sent to review); the held-out part (``heldout.tsv``)
is reported by the bench, never tuned on, and not measured by these tests. The focused
tests below pin each obfuscation, each class of innocent look-alike, morphology, insults against
criticism, every spam signal, the unlawful patterns, the families of issue #21, the repository's
extra words, and that no input makes ``classify`` fail.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.core.errors import ConfigError
from publisher.moderation.detector import (
    Context,
    Decision,
    Detector,
    inflect,
    lexicon,
    morph,
)
from publisher.moderation.normalize import analyse, collapse, mask_pattern, translit
from publisher.moderation.rules import CategoryRule, Rules

ROOT = Path(__file__).resolve().parents[2]


def _bench(name: str = "moderation_eval") -> ModuleType:
    if name != "moderation_eval":
        _bench()  # the other bench scripts import it by name
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(Rules())


def verdict(detector: Detector, text: str) -> str:
    return detector.classify(text).verdict


# --- the goal ---------------------------------------------------------------------------------


def test_labelled_set_meets_the_goal() -> None:
    bench = _bench()
    rows = bench.load()
    assert len(rows) >= 800
    metrics, errors = bench.evaluate(rows)
    listing = "\n".join(f"{row.label} {row.category}: {got} {row.text}" for row, got in errors)
    assert metrics["precision"] >= bench.GOAL["precision"], listing
    assert metrics["recall"] >= bench.GOAL["recall"], listing
    assert metrics["review_share"] <= bench.GOAL["review_share"], listing


def test_bench_reports_every_part(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every tuning and validation part and every held-out part, the goal judged on each held-out
    one; the held-out files are swapped for validation ones here, so that the suite never
    measures them."""
    bench = _bench()
    metrics, errors = bench.measure(heldout=False)
    parts = {"tuning", "validation", "tuning2", "validation2", "tuning3", "validation3"}
    parts |= {"tuning4", "validation4", "tuning5", "tuning6", "validation6"}
    parts |= {"tuning7", "tuning8", "tuning9", "tuning10", "tuning11"}
    parts |= {"tuning12", "tuning13", "tuning14", "tuning15", "tuning16"}
    parts |= {"tuning17", "tuning18", "tuning19", "tuning20"}
    assert set(metrics) == set(errors) == parts
    stand_ins = {"heldout": "validation", "heldout2": "validation4", "heldout3": "validation6"}
    stand_ins |= {"heldout4": "validation3"}
    paths = dict(bench.PARTS)
    monkeypatch.setattr(
        bench, "HELDOUT_PARTS", tuple((held, paths[part]) for held, part in stand_ins.items())
    )
    metrics, errors = bench.measure()
    assert set(metrics) == parts | set(stand_ins) | {"goal"}
    assert not set(stand_ins) & set(errors), "held-out disagreements are never listed"
    for held, part in stand_ins.items():
        assert metrics[held]["comments"] == metrics[part]["comments"]
    assert metrics["goal"]["met"] == {
        held: bench.meets_goal(metrics[part]) for held, part in stand_ins.items()
    }


def test_validation_batch_is_apart_and_meets_the_goal() -> None:
    """The batch written for the second round of issue #21 before the detector was run on it:
    at least 400 comments in realistic proportions, none shared with the other parts."""
    bench = _bench()
    rows = bench.load(bench.VALIDATION)
    assert len(rows) >= 400
    labels = [row.label for row in rows]
    assert labels.count("keep") > len(rows) / 2, "most comments are ordinary"
    assert {row.category for row in rows if row.label == "remove"} == {
        "obscene",
        "insult",
        "spam",
        "unlawful",
    }
    others = {row.text for path in (bench.DATASET, bench.HELDOUT) for row in bench.load(path)}
    assert not {row.text for row in rows} & others
    metrics, errors = bench.evaluate(rows)
    listing = "\n".join(f"{row.label} {row.category}: {got} {row.text}" for row, got in errors)
    assert metrics["precision"] >= bench.GOAL["precision"], listing
    assert metrics["recall"] >= bench.GOAL["recall"], listing
    assert metrics["review_share"] <= bench.GOAL["review_share"], listing


def test_labelled_set_is_varied() -> None:
    rows = _bench().load()
    labels = {row.label for row in rows}
    assert labels <= {"remove", "keep", "review"}
    removed = {row.category for row in rows if row.label == "remove"}
    assert removed == {"obscene", "insult", "spam", "unlawful"}
    kept = {row.category for row in rows if row.label != "remove"}
    assert {"criticism", "sarcasm", "innocent", "link", "phone", "quote"} <= kept
    assert len({row.text for row in rows}) == len(rows), "no duplicates"


def test_bench_keeps_other_results(tmp_path: Path) -> None:
    bench = _bench()
    path = tmp_path / "results.json"
    path.write_text('{"video_upload": {"vk": 1}}', encoding="utf-8")
    bench.write({"precision": 1.0}, path)
    text = path.read_text(encoding="utf-8")
    assert '"video_upload"' in text and '"moderation"' in text


def test_thousand_comments_are_fast(detector: Detector) -> None:
    texts = [row.text for row in _bench().load()]
    batch = (texts * 3)[:1000]
    start = time.perf_counter()
    for text in batch:
        detector.classify(text)
    assert time.perf_counter() - start < 3.0


def test_analyser_is_loaded_once() -> None:
    assert morph() is morph()
    assert lexicon() is lexicon()


# --- obfuscation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("latin look-alikes", "xyй вам, а не дорога"),
        ("latin look-alikes", "Сплошная хyйня с автобусами"),
        ("transliteration", "Дороги pizdec"),
        ("transliteration", "BLYAT, опять свет отключили"),
        ("transliteration", "nahuy такой ремонт"),
        ("digits", "е6ать, ну и цены"),
        ("digits", "Пи3дец с мусором"),
        ("digits", "Бл9, когда уже свет дадут"),
        ("asterisks", "п*здец, опять без воды"),
        ("asterisks", "За**али эти ремонты"),
        ("asterisks", "П***ц какой-то"),
        ("symbols", "Бл@ть, опять маршрутку отменили"),
        ("symbols", "Х#й кто приедет"),
        ("spaces", "Х у й вам, а не ремонт"),
        ("spaces", "это просто п и з д е ц"),
        ("spaces", "ху й вам а не газ"),
        ("dots", "Ну нах.уй такую компанию"),
        ("dots", "Х.у.ё.в.о работает скорая"),
        ("dots", "бл.ть, сколько можно"),
        ("dashes", "Полный п-и-з-д-е-ц на набережной"),
        ("repeats", "Бляяяяять, опять вода ржавая"),
        ("repeats", "Пиииииздец с ямами"),
        ("mixed", "Заeбaли с перекрытиями"),
    ],
)
def test_obfuscated_obscene_words_are_removed(detector: Detector, kind: str, text: str) -> None:
    decision = detector.classify(text)
    assert decision.verdict == "remove", kind
    assert decision.categories[0] == "obscene" and decision.rule.startswith("obscene:root:")


def test_obfuscated_insult_and_spam(detector: Detector) -> None:
    assert verdict(detector, "Ты д3бил? Автобус ходит раз в два часа") == "remove"
    assert verdict(detector, "ид*оты, вы по этой дороге ездили?") == "remove"
    spam = detector.classify("Рaбoтa нa дoму, зaрaбoтoк oт 4000 в дeнь, пишите в тг")
    assert spam.verdict == "remove" and spam.categories == ("spam",)


def test_normalize_helpers() -> None:
    assert translit("blyat") == "блят"
    assert translit("huy") == "хуй"
    assert collapse("сууука") == "сука"
    pattern = mask_pattern("п*здец")
    assert pattern is not None and pattern.fullmatch("пиздец")
    assert mask_pattern("mp4") is None, "a digit at a word's edge is no mask"
    assert mask_pattern("х*") is None, "one letter and one mask is too little to guess"
    one = mask_pattern("х**")  # "на кой х**": two masks after a letter are read as mat
    assert one is not None and one.fullmatch("хуй")
    text = analyse("х у й", lambda word: False)
    assert any("хуй" in word.forms for word in text.joined)


# --- innocent look-alikes ---------------------------------------------------------------------

INNOCENT = [
    "страхуй",
    "употреблять",
    "скипидар",
    "оскорблять",
    "хлеба",
    "сабля",
    "команда",
    "психология",
    "колебаться",
    "ребята",
    "рубля",
    "хулиган",
    "мудрый",
    "мандарин",
    "мандат",
    "командир",
    "корабль",
    "требовать",
    "небо",
    "себестоимость",
    "убедительный",
    "бляха",
    "хлебать",
    "гребля",
    "застрахуйте",
    "похуже",
    "ансамбль",
    "потребитель",
    "Ебург",
    "ebay",
]


@pytest.mark.parametrize("word", INNOCENT)
def test_innocent_words_with_obscene_letters_are_kept(detector: Detector, word: str) -> None:
    assert verdict(detector, f"{word.capitalize()} — об этом и речь, {word}") == "keep"


@pytest.mark.parametrize(
    "lemma",
    ["страховать", "употреблять", "оскорблять", "колебаться", "команда", "хлеб", "сабля",
     "рубль", "психология", "скипидар", "мандарин", "корабль", "требовать", "мудрый"],
)  # fmt: skip
def test_every_form_of_an_innocent_word_is_kept(detector: Detector, lemma: str) -> None:
    for form, _tag in inflect(lemma):
        assert verdict(detector, f"опять {form} на улице") == "keep", form


@pytest.mark.parametrize(
    "text",
    [
        "Зам. главы Е.Б. Иванова обещала ответить",
        "Иванова Е.Б., ответьте, пожалуйста",
        "На ул.Ленина,д.5 нет света, т.е. вообще, и т.д.",
        "В х.Садки и х.Степной дорогу размыло",
        "Приём с 8:00 до 17:00, каб.№5, тел. 2-12-34",
        "Видео в MP4 или MOV, до 300 МБ",
        "Блин, опять света нет. Капец!",
        "Ху Цзиньтао приезжал в Россию давно",
    ],
)
def test_initials_abbreviations_and_euphemisms_are_kept(detector: Detector, text: str) -> None:
    assert verdict(detector, text) == "keep"


# --- morphology -------------------------------------------------------------------------------


@pytest.mark.parametrize("lemma", ["пиздец", "ебать", "заебать", "хуй", "хуёвый", "блядь", "мудак"])
def test_every_form_of_an_obscene_word_is_removed(detector: Detector, lemma: str) -> None:
    forms = inflect(lemma)
    assert len(forms) > 3
    for form, _tag in forms:
        decision = detector.classify(f"дороги у нас {form}")
        assert decision.verdict == "remove" and decision.categories[0] == "obscene", form


@pytest.mark.parametrize("lemma", ["идиот", "дебил", "урод", "ублюдок", "кретин"])
def test_every_form_of_an_insult_aimed_at_you_is_removed(detector: Detector, lemma: str) -> None:
    for form, _tag in inflect(lemma):
        decision = detector.classify(f"ты {form}")
        assert decision.verdict == "remove" and decision.categories == ("insult",), form


# --- insults and criticism --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Мэр — идиот",
        "ты дебил",
        "Вы там в администрации совсем дебилы?",
        "Ответь, урод, почему воды нет третий день",
        "Тупой мэр и тупые решения",
        "Начальница отдела — тупая курица",
        "Ты козёл, а не депутат",
        "Петров — ублюдок, всех обманул",
        "Иди в жопу, мэр",
        "Глава, ты вообще нормальный? Идиот конченый",
        "Мэр — дурак, и это не оскорбление, а диагноз",
    ],
)
def test_insults_aimed_at_a_person_are_removed(detector: Detector, text: str) -> None:
    decision = detector.classify(text)
    assert decision.verdict == "remove" and decision.categories == ("insult",)


@pytest.mark.parametrize(
    "text",
    [
        "Администрация работает отвратительно",
        "Это позор, дороги убиты",
        "Безобразие! Скорая ехала полтора часа",
        "Некомпетентность чиновников поражает, деньги освоили, а результата нет",
        "Это дебильное решение закрыть рынок по выходным",
        "Убогий ремонт, деньги на ветер",
        "Спасибо, администрация, за новые ямы, очень удобно",
        "Мэр, выйдите к людям, хватит прятаться за пресс-службой",
        "Наша администрация — это сборище бюрократов",
    ],
)
def test_criticism_of_work_is_kept(detector: Detector, text: str) -> None:
    assert verdict(detector, text) == "keep"


@pytest.mark.parametrize(
    "text",
    [
        "Водитель автобуса назвал мою маму дурой",
        "Нас что, за идиотов держат?",
        "Я как дурак стоял на остановке час",
        "Мы не дураки, видим, куда уходят деньги",
        "Коровы опять ходят по дороге",
        "Асфальт осел после дождя",
        "Врач сказал, что у ребёнка синдром Дауна",
        "Иван Козлов — наш новый депутат",
    ],
)
def test_insulting_words_not_aimed_at_anyone_are_kept(detector: Detector, text: str) -> None:
    assert verdict(detector, text) == "keep"


def test_borderline_insults_go_to_review(detector: Detector) -> None:
    assert verdict(detector, "Какой идиот придумал поставить светофор на повороте?") == "review"
    assert verdict(detector, "Клоуны, а не депутаты") == "review"
    assert verdict(detector, "Сука, опять света нет") == "review"


def test_slurs_are_removed_wherever_they_appear(detector: Detector) -> None:
    decision = detector.classify("Хачи понаехали и рынок заняли")
    assert decision.verdict == "remove" and decision.rule == "insult:slur:хач"


def test_quoted_swearing_in_a_complaint_goes_to_review(detector: Detector) -> None:
    decision = detector.classify("Соседи каждую ночь орут «бля», примите меры")
    assert decision.verdict == "review" and decision.rule == "obscene:quoted:бля"


# --- spam -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Продам гараж, звоните 8-918-123-45-67", "spam:phone+selling"),
        ("Продаю дрова, pochta@mail.ru", "spam:email+selling"),
        ("Заработок от 5000 рублей в день без вложений", "spam:earnings+service+pay"),
        ("Онлайн-казино, фриспины каждый день", "spam:casino"),
        ("Займы на карту без отказа", "spam:credit"),
        ("Знакомства для взрослых, интим", "spam:adult+adult_word"),
        ("Лайк за лайк, взаимная подписка", "spam:follow"),
        ("Подписывайтесь на мой канал t.me/kuban_24", "spam:link+contact+channel"),
        ("Смотрите bit.ly/abc, там скидки", "spam:link+shortener"),
    ],
)
def test_each_spam_signal(detector: Detector, text: str, rule: str) -> None:
    decision = detector.classify(text)
    assert decision.verdict == "remove" and decision.categories == ("spam",)
    assert decision.rule == rule


def test_a_single_spam_signal_goes_to_review(detector: Detector) -> None:
    link = detector.classify("Вот подробнее: https://kubnews.ru/obshchestvo/123")
    assert (link.verdict, link.rule) == ("review", "spam:link")
    # a part-time job or a low price alone only supports another signal
    assert verdict(detector, "Кто хочет подработку на лето?") == "keep"
    question = "Где купить саженцы недорого? Пишите в личку"
    assert verdict(detector, question) == "review", "a question is no advert"
    assert verdict(detector, "Ставки на спорт — зло, закройте эти пункты у школы") == "review"


@pytest.mark.parametrize(
    "text",
    [
        "Подайте заявление через https://www.gosuslugi.ru/600",
        "График на admkrai.krasnodar.ru и на prahtarsk.ru",
        "Постановление на pravo.gov.ru",
        "Вот ответ: https://23.rospotrebnadzor.ru/news/1",
        "Сайт госуслуги.рф работает",
        "Аварийная служба водоканала 8 (86143) 3-12-45, звоните круглосуточно",
        "Звонила в ЖКХ по номеру 8 918 555 12 34, никто не берёт трубку",
        "Завтра сдаю анализы, подскажите телефон регистратуры 8-918-111-22-33",
    ],
)
def test_official_links_and_service_phones_are_kept(detector: Detector, text: str) -> None:
    assert verdict(detector, text) == "keep"


def test_same_text_from_one_author_under_three_posts() -> None:
    detector = Detector(Rules())
    context = Context()
    text = "Всем привет, заходите в мою группу про рыбалку на лимане"
    decisions = []
    for post in ("p1", "p2", "p3"):
        context.post = post
        decisions.append(detector.classify(text, "bot", context))
    assert [d.verdict for d in decisions[:2]] == ["review", "review"], "one signal"
    assert decisions[2].rule == "spam:contact+repeated:author"
    assert decisions[2].verdict == "remove"
    other = Context()
    plain = "Когда уже отремонтируют дорогу на улице Шевченко?"
    for post in ("p1", "p2", "p3"):
        other.post = post
        last = detector.classify(plain, "resident", other)
    assert (last.verdict, last.rule) == ("review", "spam:repeated:author")


def test_same_long_text_from_three_authors() -> None:
    detector = Detector(Rules())
    context = Context()
    text = "Требуем отремонтировать дорогу на улице Ленина, сколько можно ждать обещанного"
    decisions = [detector.classify(text, author, context) for author in ("a", "b", "c")]
    assert decisions[2].rule == "spam:repeated:authors"
    assert decisions[2].verdict == "review", "repeated criticism alone is never removed"
    advert = "Ремонт квартир под ключ недорого и качественно, звоните, ждём ваших заявок"
    last = [detector.classify(advert, a, context) for a in ("d", "e", "f")][-1]
    assert last.verdict == "remove" and "repeated:authors" in last.rule


def test_repeats_need_a_real_text_and_the_same_author() -> None:
    detector = Detector(Rules())
    context = Context()
    short = [detector.classify("Спасибо!", "fan", context) for _ in range(5)]
    assert {d.verdict for d in short} == {"keep"}
    text = "Когда починят дорогу на Фестивальной улице?"
    two_posts = [detector.classify(text, author, context) for author in ("a", "b")]
    assert {d.verdict for d in two_posts} == {"keep"}


# --- unlawful ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Я тебя убью, если ещё раз увижу", "unlawful:threat:убить"),
        ("Надо повесить этого мэра на площади", "unlawful:call:повесить"),
        ("Убейте этих чиновников", "unlawful:threat:убить"),
        ("Мэра надо расстрелять за такие дороги", "unlawful:call:расстрелять"),
        ("Смерть чиновникам!", "unlawful:threat:phrase"),
        ("На вилы их всех", "unlawful:threat:phrase"),
        ("Мефедрон, доставка по городу, пиши в тг @shop_kuban", "unlawful:drugs"),
        ("Набираем курьеров-кладменов, оплата ежедневно", "unlawful:drugs:job"),
        ("Куплю права без экзамена", "unlawful:documents"),
        ("Больничный лист задним числом, пишите", "unlawful:documents"),
    ],
)
def test_unlawful_patterns(detector: Detector, text: str, rule: str) -> None:
    decision = detector.classify(text)
    assert decision.verdict == "remove" and decision.categories[0] == "unlawful"
    assert decision.rule == rule


@pytest.mark.parametrize(
    "text",
    [
        "Дороги убиты полностью, машину убил за месяц",
        "Соседи сжигают мусор во дворе, примите меры",
        "Надо повесить знак «Осторожно, дети» у садика",
        "Повесьте расписание на остановке, люди не знают",
        "Пора бить тревогу, в реке мёртвая рыба",
        "Трансформатор взорвался ночью",
        "У школы наркоманы делают закладки, полиция, примите меры!",
        "Подростки курят гашиш у школы, пишите в полицию!",
        "Дороги посыпали солью",
        "Справку о составе семьи можно получить в МФЦ, без очереди",
        "Водительские права можно поменять через госуслуги",
        "Надо убить время до автобуса",
    ],
)
def test_violent_and_drug_words_in_complaints_are_kept(detector: Detector, text: str) -> None:
    assert verdict(detector, text) == "keep"


def test_hyperbole_and_unaimed_threats_go_to_review(detector: Detector) -> None:
    assert verdict(detector, "Убить мало тех, кто так строил") == "review"
    assert verdict(detector, "Я бы его убил за такую дорогу") == "review"
    assert verdict(detector, "Убью!") == "review"


# --- the families of issue #21 ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("мефедрон с доставкой, пиши в телегу", "unlawful"),
        ("Работа кладменом в нашем городе, от 80к в неделю, тг @klad_rabota", "unlawful"),
        ("Магазин шишек и бошек, всё в наличии, бот в тг", "unlawful"),
        ("н а р к о т а без посредников, писать в телегу", "unlawful"),
        ("Работа для смелых: раскладывать клады, до 100к в неделю. Пиши в тг", "unlawful"),
        ("Продам гидру, качество, самовывоз, пиши в лс", "unlawful"),
        ("Сделаю медкнижку за день без анализов, пишите в лс", "unlawful"),
        ("Права без экзаменов, пиши в ватсап", "unlawful"),
        ("Инвестиции под 30% в месяц, гарантия, пиши в телеграм", "spam"),
        ("ИНВЕСТИЦИИ. ГАРАНТИЯ. ДОХОД ЗА НЕДЕЛЮ. Пишите @invest24", "spam"),
        ("Подработка курьером, 5000 в день, пиши в лс", "spam"),
        ("Нужны люди на подработку, оплата каждый день, пиши в личку", "spam"),
        ("Ищем курьеров, 3000 за смену, пишите в тг", "spam"),
        ("Даю в долг без проверок и справок, звоните 89001234567", "spam"),
        ("Оформлю дропом, 15к за карту, тг @drop_work", "spam"),
        ("старые ослы в администрации опять ничего не решили", "insult"),
        ("Эти бараны из ЖКХ опять перекопали двор", "insult"),
        ("Эта жаба из соцзащиты опять нахамила маме", "insult"),
        ("Наша глава - старая коза", "insult"),
        ("глава - 0сёл", "insult"),
        ("глава наш козёл старый", "insult"),
        ("глава района обезьяна с гранатой", "insult"),
        ("Чиновники-крысы опять всё разворовали", "insult"),
        ("Вы, депутаты, стадо баранов", "insult"),
        ("Эй, курица из приёмной, трубку возьми", "insult"),
        ('Работа на дому, 50 000 в месяц, пиши "хочу" в личку', "spam"),
        ("Вакансия: курьер, оплата 2500 за 4 часа, пишите в ЛС", "spam"),
        ("Покупаю карты Сбера, Тинькофф, дорого, телега @cards_buy", "spam"),
        ("Доход 500% на ставках, гарантия, тг канал", "spam"),
        ("займ всем до 100к без проверок, вотсап 89001110022", "spam"),
        ("Заибали уже эти отключения", "obscene"),
        ("п🤬здец, а не дороги", "obscene"),
        ("Х🙈у🙈й вам, а не новую школу", "obscene"),
        ("е-б-а-н-у-т-ь-с-я можно от ваших тарифов", "obscene"),
    ],
)
def test_issue_21_families_are_removed(detector: Detector, text: str, category: str) -> None:
    decision = detector.classify(text)
    assert decision.verdict == "remove" and category in decision.categories, decision


@pytest.mark.parametrize(
    "text",
    [
        "Баранина на ярмарке свежая",
        "Ослиный мостик в парке покрасили",
        "Козы у администрации на газоне пасутся, уберите",
        "Крыса в кабинете врача, фото прилагаю",
        "Наши депутаты не бараны, они всё понимают, просто им выгодно",
        "Эти чиновники ведут себя как бараны, упёрлись",
        'Осторожно, мошенники продают "права без экзаменов", это уголовка',
        "Моего сына чуть не завербовали кладменом через телеграм, будьте осторожны",
        'Мне сотрудница МФЦ сказала "вы что, тупая?", это нормально?',
        "Закладка нового парка будет в апреле, приходите сажать деревья",
        "Медкнижка за день - это реально в ЦРБ? У меня работа горит",
        "Детский лагерь стоит 2000 в день, дорого для многодетных",
        "@admin_raion ответьте пожалуйста про автобус",
        "Доход бюджета района за год вырос, а дороги те же",
        "Глава района - самый бездарный руководитель за 20 лет, в отставку!",
        "Стадо коров опять на трассе, водители, осторожно",
        "Учитель года - Баранова Светлана из школы №2!",
        "Ставьте + кто тоже без воды",
        "Парковка 100 рублей за час у больницы!!!",
        "Эти козы опять в огороде у соседки",
        "Баран из контактного зоопарка сбежал, видели на Кирова",
    ],
)
def test_issue_21_look_alikes_are_kept(detector: Detector, text: str) -> None:
    assert detector.classify(text).verdict == "keep"


def test_a_warning_quoting_a_job_offer_is_not_removed(detector: Detector) -> None:
    text = 'Осторожно: в чатах пишут про "подработку 5000 в день, пиши в лс" - это вербовка'
    assert detector.classify(text).verdict == "review"
    assert verdict(detector, "подработка 5000 в день, пиши в лс") == "remove"


# --- general mechanisms of the second round of issue #21 -------------------------------------
# Each pair: what the mechanism removes (kept or only reviewed without it), and a look-alike it
# must leave alone.

GENERAL = [
    # augmentatives of insulting nouns; meat is no person
    ("Ты, идиотина, опять перепутал адрес", "insult", "Баранина и свинина на ярмарке недорогие"),
    ("Ты свинота, а не сосед", "insult", "Ты знаешь, где купить козлятину?"),
    # a long insulting word misspelt by a letter; a real word a letter away is itself
    ("Ты ублюдек", "insult", "Ты, кажется, любишь идиомами говорить"),
    # insulting words said of an office; an adjective with its own noun is no person
    (
        "Кретины из налоговой инспекции опять прислали не ту квитанцию",
        "insult",
        "Тупые ножницы в кабинете труда",
    ),
    ("Безмозглые в департаменте опять всё перепутали", "insult", "Тупые ножи в столовой"),
    # put instead of a person
    ("Свиньи, а не депутаты!", "insult", "Козы, а не овцы паслись у реки"),
    # doing what only people do
    (
        "Индюк надутый опять наврал на сходе жителей",
        "insult",
        "Индюк соседа опять перелетел через забор",
    ),
    # hyphened to a person
    ("Чиновникам-крысам не место в районе", "insult", "Детям подарили игрушку свинью-копилку"),
    # called names with a word after it; the addressee in another clause is not called names
    (
        "Вы там совсем обнаглели, стадо ослов",
        "insult",
        "Вы видели, стадо коров идёт по трассе",
    ),
    # the addressee three words away
    ("Вы там все ослы упрямые", "insult", "Вы там видели ослов в зоопарке?"),
    # a person two words away with "наш" between
    ("Безмозглый наш глава опять уехал", "insult", "Безмозглый наш кот опять залез на крышу"),
    # money and an offering verb, with a contact; alone, the offer is nothing
    ("Удвою ваши сбережения за месяц, пишите в лс", "spam", "Узнайте размер пенсии на госуслугах"),
    (
        "Помогу получить выплату 20 000 руб, звоните 89181112233",
        "spam",
        "Получили компенсацию за газ? Я получил в прошлом месяце",
    ),
    # recruiting and pay per piece; recruiting alone is nothing
    (
        "Приглашаем девушек на работу в чат, оплата 2000 за вечер",
        "spam",
        "Набираем детей в секцию плавания, занятия бесплатные",
    ),
    ("Платим за отзывы 100 руб за каждый, подробнее в личке", "spam", "Платим за свет дороже всех"),
    # a paid service's terms with a phone; without one they are news
    (
        "Укладка плитки, все виды работ, звоните 8 918 111 22 33",
        "spam",
        "Все виды работ по благоустройству парка завершены",
    ),
    # cheap with a phone; cheap alone is market news
    ("Дёшево отдам холодильник, 8 918 000 11 22", "spam", "Картошка на рынке дёшево в этом году"),
    # a document made in a day, with a contact
    (
        "Справка для бассейна за 1 день, пишите в вотсап",
        "unlawful",
        "Справку для бассейна сделали за 1 день в поликлинике, спасибо",
    ),
    # a forger's promise; a question about a document offers nothing
    (
        "Права с проводкой по базе ГИБДД, гарантия",
        "unlawful",
        "Права без экзамена можно продлить, если истёк срок?",
    ),
    (
        "Медкнижка с печатями, анализы уже проставлены",
        "unlawful",
        "Печать и подпись в справке стоят, а в МФЦ не принимают, почему?",
    ),
    # drug slang abbreviations and recruiting words
    ("мф и бшк в наличии, пиши в тг", "unlawful", "МФЦ на Ленина работает в субботу?"),
    ("Нужны минёры, 5000 в день, пиши в тг", "unlawful", "Минёры МЧС обезвредили снаряд у реки"),
    # threats: "не жить" said to a person, "набью морду"
    ("Директору вашему не жить", "unlawful", "Без газа нам не жить, проведите хоть к весне"),
    ("Набью морду этому прорабу", "unlawful", "Набью холодильник продуктами к празднику"),
    # "того, кто" is a person to threaten
    ("Пристрелю того, кто снова сломает качели", "unlawful", "Того и гляди снова сломают качели"),
    # issue #21, second batch: insults said of a service or a crowd of people
    ("Бараны из райгаза опять перекрыли газ", "insult", "Бараны из хозяйства Петрова на выпасе"),
    ("Опять эта шайка кровопийц подняла тарифы", "insult", "Клещи и комары пьют кровь в лесу"),
    ("Крысы кабинетные снова всё решили без нас", "insult", "Крысы в подвале дома на Мира"),
    # a weak word said to the addressee; an accusation stays for a person to judge
    ("Глава, вы паразит на шее поселения", "insult", "Паразиты на деревьях в парке, обработайте"),
    # mat's stand-ins and a masked rude word
    ("Звиздец с этой дорогой на хутор", "obscene", "Звезда на ёлке у ДК не горит"),
    ("Фонари х@рово светят на Мира", "obscene", "Фонари хорошо светят на Мира"),
    # spam families: betting tips, money mules, prizes for nothing, paid promotion
    (
        "Договорные матчи, кэф от 5, пиши @match_tip",
        "spam",
        "Матч нашей команды перенесли на субботу",
    ),
    (
        "Беру в аренду ваш аккаунт ВК, 500 в неделю, пиши в лс",
        "spam",
        "Как восстановить аккаунт на госуслугах?",
    ),
    (
        "Бесплатный айфон за репост, ссылка в профиле",
        "spam",
        "Сделайте репост, ищем пропавшую собаку",
    ),
    # letters typed apart are joined back
    ("С 🧂 о 🧂 л 🧂 ь в наличии, пиши в тг", "unlawful", "В а ж н о: завтра нет воды"),
    # weapons without papers; a licensed hunter's question is kept
    (
        "Продам травмат без лицензии, пиши в лс",
        "unlawful",
        "Где продлить лицензию на охотничье ружьё?",
    ),
    # another person's data passed around; a service's address is kept
    (
        "Пробью любого по номеру телефона, ФИО и адрес, пиши в тг",
        "unlawful",
        "Адрес МФЦ: улица Ленина, 12, телефон на сайте",
    ),
    # counterfeit money
    (
        "Купюры по 5000, качество под УФ, доставка",
        "unlawful",
        "Банкомат на Ленина не принимает купюры",
    ),
    # drug couriers in the shops' own words; residents who report them are kept
    (
        "Нужны складчики и трафаретчики, оплата каждый день, подробности в тг",
        "unlawful",
        "Видели трафаретчиков у школы, закрасьте надписи",
    ),
    # "это" links a person to the word as a dash does; a thing is not a person
    ("Инспекция это крысы, штрафуют только простых", "insult", "В подвале это крысы шуршат"),
    # an insulting adjective beside an animal word makes it a name for people
    ("На кассе сидит тупая курица", "insult", "На рынке продают домашнюю курицу"),
    # mat masked in a complaint about a reply is the writer's own; in talk of swearing, a quote
    (
        "Написали жалобу, а в ответ отписка, бл*ть",
        "obscene",
        "Написали жалобу, а в ответ отписка, блин",
    ),
    # a dot for each hidden letter
    ("Опять воды нет, е..ть", "obscene", "Опять воды нет, ё-моё"),
    # threats and calls to riot
    (
        "Найду этого прораба и зарежу при встрече",
        "unlawful",
        "При встрече с главой спрошу про дорогу",
    ),
    (
        "Берите арматуру, идём громить администрацию",
        "unlawful",
        "Берите детей, идём на праздник у администрации",
    ),
    # letters typed apart spelling an insult, read in their place; other letters stay letters
    ("И д и о т ы в мэрии не видят", "insult", "С п а с и б о в мэрии нам помогли"),
    # an animal word beside a human failing, said of people; a neighbour's animal is an animal
    (
        "Работники ДК ленивые свиньи, афишу месяц не обновляют",
        "insult",
        "У соседей наглая кошка опять в огороде",
    ),
    # "этим" before an animal word said of an office; a pack of dogs by an office is dogs
    (
        "Скажите этим баранам из управления ЖКХ, что ливнёвка забита",
        "insult",
        "У школы стая из десяти собак, мы писали в администрацию трижды",
    ),
    # fourth batch: "у нас" as "is"; a vegetable in a garden is a vegetable
    ("Мэр у нас овощ, ему всё до лампочки", "insult", "У нас овощ на грядке вырос огромный"),
    # an SMS code or a card number asked for; a warning about it
    (
        "Соседи, скиньте код, который придёт по смс, очень надо",
        "spam",
        "Не сообщайте никому код из смс, это мошенники",
    ),
    # a look-alike of the state services' site; the site itself
    (
        "Проголосуйте за дочку: gosuslugi-konkurs.ru/vote",
        "spam",
        "Голосование здесь: https://pos.gosuslugi.ru/ ищите по району",
    ),
    # "нах" alone is mat; a word that starts with it is not
    ("Ну нах, переезжаю отсюда", "obscene", "Нахождение детей на площадке после 22 запрещено"),
    # a threat at the door; the same verb of coming, harmless
    (
        "Ещё раз начнёт долбить в шесть утра — приду и руки поотрываю",
        "unlawful",
        "Приду и руки помою, потом посмотрю расписание",
    ),
    # a bank's approval in the past is a story, not an offer
    (
        "Одобрим кредит за 5 минут, пишите в лс",
        "spam",
        "Банк одобрил кредитные каникулы после сокращения, может кому поможет",
    ),
    # followers sold; a group's own count
    (
        "Продвижение бизнеса: 1000 подписчиков за 499 руб",
        "spam",
        "В нашей группе уже 1000 подписчиков, спасибо всем",
    ),
    # a forger's offer; a resident who photographed it and sent it to the police
    (
        "Права без экзаменов за 3 дня, пиши в лс",
        "unlawful",
        "На остановке расклеили объявления «права без экзаменов», сфоткала и отправила в ГИБДД",
    ),
    # fifth batch: a card number and an SMS code asked for; a warning
    (
        "Оставьте номер карты и код из смс для регистрации абонента",
        "spam",
        "Никому не оставляйте номер карты, это мошенники",
    ),
    # powder and buckshot without a licence; a hunter's bad luck
    (
        "Порох и картечь без лицензии, доставка до дома",
        "unlawful",
        "Порох отсырел, охота не удалась",
    ),
    # setting an office on fire; wiring that caught fire
    (
        "Давайте подпалим им кабинет, тогда зашевелятся",
        "unlawful",
        "У нас в кабинете подпалили проводку, когда меняли лампы",
    ),
    # "мля" for "бля"; a word that starts with it
    ("Мля, опять паром на ремонте", "obscene", "Млявый какой-то день сегодня"),
    # one letter and masks is mat too; a footnote's asterisk is not
    ("Кто знает, на кой х** сносили рынок?", "obscene", "Цена* указана без скидки"),
    ("Мудацкое решение убрать лавочки", "obscene", "Мудрое решение убрать лавочки"),
    # a parcel fee by a link; a resident's parcel stuck at the post office
    (
        "Ваша посылка задержана, оплатите доставку по ссылке pochta-volga.site",
        "spam",
        "Посылка задержана на почте уже неделю, куда жаловаться?",
    ),
    # teeth knocked out; teeth to be treated
    ("Прораб, я тебя найду и зубы повыбиваю", "unlawful", "Зубы лечить в поликлинике негде"),
    # a home address and a call to visit; an office's address
    (
        "Директор живёт на Садовой 18, кв 42, заезжайте к нему поговорить",
        "unlawful",
        "Приёмная директора на Садовой 18, каб 42, заезжайте с документами",
    ),
]


@pytest.mark.parametrize(("text", "category", "kept"), GENERAL)
def test_general_mechanism_removes_and_keeps_its_look_alike(
    detector: Detector, text: str, category: str, kept: str
) -> None:
    decision = detector.classify(text)
    assert (decision.verdict, decision.categories[:1]) == ("remove", (category,)), decision
    assert verdict(detector, kept) == "keep"


def test_emphatic_sam_is_no_addressee_in_a_comparison(detector: Detector) -> None:
    assert verdict(detector, "Сами стоим как бараны в очереди") == "keep"
    assert verdict(detector, "Сам ты как баран упёрся") == "remove"


def test_a_wished_threat_phrase_goes_to_review(detector: Detector) -> None:
    assert verdict(detector, "Вот бы их всех на вилы") == "review"
    assert verdict(detector, "Всех их на вилы!") == "remove"


def test_strong_insult_not_aimed_still_goes_to_review(detector: Detector) -> None:
    assert verdict(detector, "Какой кретин придумал ставить забор у школы?") == "review"
    assert verdict(detector, "Ну и кретин же тот, кто проектировал перекрёсток") == "review"
    assert verdict(detector, "Глава — кретин, те кто голосовал за него тоже") == "remove"


def test_the_first_writers_conventions_on_weak_words(detector: Detector) -> None:
    """A weak word aimed at someone is for a person to judge, said to the addressee or as a
    person's predicate (the first writers label "Депутаты — болтуны и лентяи", "Депутаты у нас
    болтуны и ворюги" for review); "паразиты" said to someone goes, and a weak word beside a
    strong one goes with it."""
    assert verdict(detector, "Депутаты, вы клоуны, опять перенесли сессию") == "review"
    assert verdict(detector, "Глава района — клоун") == "review"
    assert verdict(detector, "Кандидат Семенченко — пустозвон и тупица") == "remove"
    assert verdict(detector, "Вы паразиты, господа депутаты") == "remove"
    assert verdict(detector, "Паразиты на деревьях в парке, обработайте") == "keep"


def test_paying_them_back_in_kind_is_for_a_person_to_judge(detector: Detector) -> None:
    assert verdict(detector, "Этих проектировщиков самих бы в сугроб закопать") == "review"
    assert verdict(detector, "Этих подрядчиков бы в их же яму и закопать") == "review"
    assert verdict(detector, "Надо его закопать в сугроб") == "remove"


def test_mat_written_on_a_wall_and_reported_is_quoted(detector: Detector) -> None:
    assert verdict(detector, "На плакате кандидата дописали «пидор», снимите") == "review"
    assert verdict(detector, "Спектакль «Иван-дурак» в ДК к Масленице") == "keep"


def test_an_insulting_phrase_someone_said_is_quoted_for_review(detector: Detector) -> None:
    text = "Фельдшер мне прямо сказал: «да пошли вы на хуй со своими жалобами»"
    assert verdict(detector, text) == "review"
    assert verdict(detector, "Да пошли вы в жопу со своими жалобами") == "remove"
    assert verdict(detector, "Он сказал: «да пошли вы в жопу со своими жалобами»") == "review"


def test_a_strong_word_for_the_people_who_do_something_is_aimed(detector: Detector) -> None:
    assert verdict(detector, "Ушлёпки на бмв паркуются на тротуаре у садика") == "remove"
    assert verdict(detector, "Какие ушлёпки так паркуются?") == "review", "said of nobody"


def test_the_writer_blaming_themself_is_no_insult(detector: Detector) -> None:
    assert verdict(detector, "Сама дура, не дочитала, что перекрытие с 22:00") == "keep"
    assert verdict(detector, "Сама себя дурой чувствую, что голосовала") == "keep"
    assert verdict(detector, "Сам дурак!") == "remove", "a retort to someone"
    assert verdict(detector, "Сам ты дурак, что пишешь такое") == "remove"


def test_letters_typed_apart_after_a_word_still_join(detector: Detector) -> None:
    """ "у е л и" is a word of its own ("уели"), but after "ох" the letters are mat."""
    assert detector.classify("ох у е л и совсем").categories == ("obscene",)
    assert detector.classify("Д Е Б И Л Ы в мэрии").categories == ("insult",), "no 'еб' inside"


def test_officials_likened_to_animals_is_criticism(detector: Detector) -> None:
    assert verdict(detector, "Эти чиновники ведут себя как бараны, не слышат жителей") == "keep"


def test_a_run_of_letters_with_no_word_from_its_start_stays_letters(detector: Detector) -> None:
    """ "д р о н" inside "м е ф е д р о н" is no drone: the drug is still read whole."""
    decision = detector.classify("М е ф е д р о н, лучший в городе, пиши в телеграм")
    assert decision.categories == ("unlawful",), decision


def test_the_federal_job_portal_is_official(detector: Detector) -> None:
    assert verdict(detector, "Вакансии смотрите на trudvsem.ru") == "keep"
    assert verdict(detector, "Вакансии смотрите на trudvsem-kuban.ru") == "review"


# --- the repository's extra words -------------------------------------------------------------


def test_repository_extra_words_and_patterns() -> None:
    rules = Rules(
        categories={
            "obscene": CategoryRule("delete", words=("гадослово",)),
            "custom": CategoryRule(
                "review", words=("навальный", "жулик*"), patterns=(r"\bнаш\s+слоган\b",)
            ),
            "spam": CategoryRule("delete", patterns=(r"promo-site\.example",)),
        }
    )
    detector = Detector(rules)
    obscene = detector.classify("Вы гадослово, а не чиновники")
    assert (obscene.verdict, obscene.categories, obscene.rule) == (
        "remove",
        ("obscene",),
        "obscene:word:гадослово",
    )
    assert detector.classify("Опять г@дослово пишу").rule == "obscene:word:гадослово"
    assert detector.classify("Про Навального опять").rule == "custom:word:навального"
    assert detector.classify("Жуликоватые подрядчики").rule == "custom:word:жулик*"
    assert detector.classify("Это НАШ слоган").categories == ("custom",)
    assert detector.classify("Заходите на promo-site.example").categories[0] == "spam"
    assert Detector(Rules()).classify("Вы гадослово").verdict == "keep"


def test_a_broken_repository_pattern_is_explained() -> None:
    rules = Rules(categories={"custom": CategoryRule("review", patterns=("(unclosed",))})
    with pytest.raises(ConfigError):
        Detector(rules)


# --- the decision and robustness --------------------------------------------------------------


def test_decision_json_and_severity(detector: Detector) -> None:
    decision = detector.classify("Я тебя убью, пиздец тебе")
    assert decision.categories == ("unlawful", "obscene")
    assert decision.as_json() == {
        "verdict": "remove",
        "categories": ["unlawful", "obscene"],
        "rule": decision.rule,
    }
    assert Decision("keep").as_json() == {"verdict": "keep", "categories": [], "rule": ""}


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", "***", "@", "#", "—", "8", "http://", "«»", "\u200b", "😀" * 50,
     "a" * 20_000, "х " * 3000, "бл" + "*" * 500 + "ть", "\x00\x01\ufffd"],
)  # fmt: skip
def test_odd_inputs_do_not_fail(detector: Detector, text: str) -> None:
    assert detector.classify(text, "", Context()).verdict in ("keep", "review", "remove")


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text(max_size=10), st.text(max_size=5))
def test_classify_never_raises(text: str, author: str, post: str) -> None:
    context = Context(post=post)
    detector = Detector(Rules())
    for _ in range(3):
        decision = detector.classify(text, author, context)
        assert decision.verdict in ("keep", "review", "remove")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["х", "у", "й", "*", ".", " ", "@", "3", "бл", "ть", "ё", "y", "-", "«", "!", ","]
        ),
        max_size=40,
    )
)
def test_classify_never_raises_on_obfuscation_soup(parts: list[str]) -> None:
    Detector(Rules()).classify("".join(parts))


#: what the seventh batch (tuning7) taught, each with the case it must not catch
SEVENTH = [
    # a firm's ad with a phone is spam (the first writers' convention) ...
    ("Ремонт и заправка кондиционеров, выезд по району, 8 961 470 22 18", "remove",
     "spam:phone+trade+listing"),
    ("Уголь в мешках, привезём в любую станицу, звоните 89186620419", "remove",
     "spam:phone+trade"),
    # ... a complaint that opens like one is not; a job seeker is at most doubtful
    ("Вывоз мусора опять сорвали, звонила на горячую линию 8-800-200-12-34, тишина", "keep",
     ""),
    ("Ищу подработку на лето, мне 17, могу полоть огороды, пишите в лс", "review",
     "spam:contact+earnings_hint"),
    # votes bought; a threat in the writer's own words
    ("Голоса за нашего кандидата покупаем, 1500 за фото бюллетеня", "remove",
     "unlawful:votes"),
    ("Пришлите фото бюллетеня в избирком, если нашли ошибку", "keep", ""),
    ("Вы у меня все сгорите в своей администрации", "remove", "unlawful:threat:phrase"),
    # an animal doing what animals do is the animal; "с самого утра" addresses nobody
    ("Жирная крыса бегает возле хлебного ряда на рынке, проверьте", "keep", ""),
    ("жирная крыса в кабинете мэра опять врёт", "remove", "insult:person:крыса"),
    ("Стою как дура с вёдрами у колонки, воды нет с самого утра", "keep", ""),
    ("Вы там сами как дураки стоите", "remove", "insult:person:дурак"),
]  # fmt: skip
#: what the eighth and ninth batches taught and the dictionary scan found
EIGHTH_AND_NINTH = [
    # a person named by a trade no list has, before a dash or as the object of a threat
    ("Паромщик — хамло и дебил, не пустил бабушку на борт", "remove",
     "insult:person:хамло"),
    ("Скворец — дурак, в окно бьётся", "review", "insult:дурак"),
    ("Паромщика этого утоплю, если ещё раз нас бросит", "remove",
     "unlawful:threat:утопить"),
    ("Утоплю телефон в лимане от злости", "keep", ""),
    # mat quoted in a complaint stays quoted when its letters are read joined
    ("Компания у спорткомплекса каждую ночь орёт «на хуй всё», полиция, приезжайте",
     "review", "obscene:quoted:хуй"),
    ("Соседи орут всю ночь. х у й вам а не тишина", "remove", "obscene:root:хуй"),
    # a document made fast, told in the past tense, is a resident's story
    ("Паспорт сделали за 3 дня, звонила 8 800 100 70 10", "keep", ""),
    ("Медкнижка за 1 день, звоните 89181234567", "remove", "unlawful:documents"),
    # spam idioms of the eighth batch; a kids' club's free first lesson is no scam
    ("Казино с выводом на карту за 5 минут", "remove", "spam:casino_hint+casino"),
    ("Набор в кружок робототехники, первое занятие бесплатно, запись на вахте", "review",
     "spam:home_income"),
    # the ninth batch: a masked violent verb; a firm's delivery and booking by messenger
    ("Уб*ю водителя этого автобуса, если ещё раз бросит детей", "remove",
     "unlawful:threat:убить"),
    ("Минеральная вода с доставкой по краю, 19 литров — 250 рублей, звоните 89615550123",
     "remove", "spam:phone+selling+listing"),
    # found by running every dictionary word through the detector: gardening, a museum's
    # yuletide fortune telling, a lecture on hygiene are no drug shop, scam or sex ad
    ("Саженцы на зиму прикопали у забора, весной посадим в сквере", "keep", ""),
    ("Святочные гадания в музее 7 января, вход свободный", "keep", ""),
    ("Интимная гигиена — тема лекции в женской консультации", "keep", ""),
    ("Интим услуги, выезд, пиши", "remove", "spam:adult+adult_word"),
]  # fmt: skip
#: what the tenth batch (tuning10, written for recall) taught
TENTH = [
    # an ad's list with a mobile and no verb; a contact card, a complaint, a landline: not
    ("Откачка септиков и выгребных ям, ассенизатор, быстро, 89181459900", "remove",
     "spam:phone+listing"),
    ("Староста Ольгинской, Иванова Мария, 8-918-111-22-33", "keep", ""),
    ("Горячая линия ЖКХ, круглосуточно, 8-800-200-12-34", "keep", ""),
    # letters typed for digits in a phone; a mobile grouped 3-2-2-3; a landline in a complaint
    ("Натяжные потолки, замер бесплатно, 8 (918) 06З-44-21", "remove", "spam:phone+service"),
    ("Вода мутная, платим как за минералку, телефон 8 (86143) 2-15-80 никто не берёт",
     "keep", ""),
    # a negated order forbids; a word drawn on a wall is reported, not said
    ("Ужей в траве полно, они безобидные, не убивайте их", "keep", ""),
    ("Убивайте их всех", "remove", "unlawful:threat:убивать"),
    ("На гаражах нарисовали х*й огромными буквами, закрасьте", "review",
     "obscene:quoted:хуй"),
    # threats of the tenth batch; a dark alley alone is a place
    ("Начальнику водоканала башку проломлю при встрече", "remove", "unlawful:threat:phrase"),
    ("Пусть глава молится, чтобы я его в тёмном переулке не встретил", "remove",
     "unlawful:threat:phrase"),
    ("Пока фонари не горят, в тёмном переулке закладчики шастают. Сделайте свет!", "keep",
     ""),
]  # fmt: skip


@pytest.mark.parametrize(("text", "verdict", "rule"), SEVENTH + EIGHTH_AND_NINTH + TENTH)
def test_batch_mechanisms(detector: Detector, text: str, verdict: str, rule: str) -> None:
    """Each mechanism a batch taught, with the case it must not catch: verdict and rule."""
    decision = detector.classify(text, "", Context())
    assert (decision.verdict, decision.rule) == (verdict, rule)


def test_dictionary_scan_flags_an_ordinary_word_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    """``make bench`` runs every dictionary word alone through the detector; mat and slurs may
    be removed alone, an ordinary word never. Here on a few words, one of them removed by a
    stand-in detector as if a spam pattern fitted it."""
    scan = _bench("moderation_dictionary")
    words = ["мама", "саженцы", "прикопали", "гадание", "хуй", "жиды"]
    monkeypatch.setattr(scan, "first_forms", lambda limit=None: iter(words[:limit]))
    checked, ordinary = scan.scan()
    assert (checked, ordinary) == (6, {})
    real = scan.Detector

    class Slipping(real):  # type: ignore[misc,valid-type]
        def classify(self, text: str, author: str = "", context: Context | None = None) -> Decision:
            if text == "Вот мама":
                return Decision("remove", ("spam",), "spam:selling+link")
            return super().classify(text, author, context)

    monkeypatch.setattr(scan, "Detector", Slipping)
    assert scan.scan() == (6, {"мама": "spam:selling+link"})


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # burning or blowing up a building, an office or a vehicle: removed, wished or not ...
        ("Вот спалить бы эту контору со всеми бумажками", "remove"),
        ("Надо взорвать этот стадион, пока не достроили", "remove"),
        ("Подожгу этот паркомат вместе с будкой охраны", "remove"),
        # ... the grass, a fridge, a concert hall "blown up" are not
        ("Сожгите наконец эту сухую траву на пустыре", "keep"),
        ("Колебания напряжения сожгли холодильник, кто возместит?", "keep"),
        ("Концерт просто бомба, взорвали зал!", "keep"),
        # the ethnic slur that is also a wood block, by what only people do
        ("Понаехали чурки на базы, работу у местных забрали", "remove"),
        ("Чурки для печки заняли весь сарай", "keep"),
        # an execution called for; being cornered
        ("Всех кандидатов от власти — к стенке!", "remove"),
        ("Нас прижали к стенке с этими тарифами", "keep"),
    ],
)
def test_the_first_writers_conventions_on_threats_and_slurs(
    detector: Detector, text: str, verdict: str
) -> None:
    assert detector.classify(text, "", Context()).verdict == verdict


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # an infinitive opening a call with its victims; anger is for a person to judge
        ("Расстрелять всех, кто подписал акт приёмки этой дороги", "remove"),
        ("Убить мало тех, кто так строил", "review"),
        # arson of what is named as the object, or with the people inside; not rubbish by a house
        ("Cжeчь этот логопарк вместе с начальством, и дело с концом", "remove"),
        ("Сжечь мусор рядом с домом нельзя, штраф", "keep"),
        # an ad's list may say "звоните"; a resident's own number is no ad
        ("Аренда спецтехники: экскаватор, манипулятор, самосвал, звоните 8-918-111-48-48",
         "remove"),
        ("Мой номер 8 918 345 67 81, перезвоните, отопление, подъезд 2, квартира 5", "keep"),
        # a failing beside an animal word said of a person; alone of a service it is criticism
        ("Начальник отдела транспорта просто бестолковый баран", "remove"),
        ("Бестолковые из водоканала опять раскопали и ушли", "keep"),
        # the twelfth batch: what residents are taken for; an editor burnt with his office;
        # a wedding "we will hold" with a phone, a residents' meeting "we will hold" is no ad
        ("Видимо, жителей считают дураками, раз рассказывают сказки", "keep"),
        ("Сжечь бы редакцию районки вместе с редактором", "remove"),
        ("Сваты-казаки: проведём свадьбу в казачьем стиле, тел 89184440011", "remove"),
        ("Проведём собрание жильцов в субботу, звоните старшей 89181112233", "keep"),
    ],
)  # fmt: skip
def test_eleventh_and_twelfth_batch_mechanisms(detector: Detector, text: str, verdict: str) -> None:
    assert detector.classify(text, "", Context()).verdict == verdict


#: the thirteenth and fourteenth batches
FIFTH_ROUND = [
    # a symbol typed into a word; "ул.Ленина" stays two words
    ("Водитель автобуса — ублю.док, детей под дождём оставил", "remove"),
    ("Вы там все ид!оты в управе? Светофор мигает жёлтым неделю", "remove"),
    ("Приём на ул.Ленина, т.к. в здании ремонт", "keep"),
    # a masked animal word is meant for people; an animal named plainly is not
    ("Эти к*злы с рынка опять цены за место подняли", "remove"),
    ("Козлы соседские опять в огороде", "keep"),
    # a trade by its suffix beside an insulting adjective; a blunt tool is no person
    ("Эти тупые мелиораторы опять спихнули всё на администрацию", "remove"),
    ("Тупые ножи у продавцов на рынке", "keep"),
    # any service, the press office read as two words
    ("Эй, дятел из пресс-службы, хватит копировать одни и те же отписки", "remove"),
    ("Дятел стучит по дереву у пресс-центра", "keep"),
    # nits found at school are lice eggs
    ("В классе у дочки нашли гнид, медсестра просит всех проверить головы детям", "keep"),
    ("Охотовед наш — гнида продажная, лицензии своим раздаёт", "remove"),
    # the victims before a relative clause; an office's people; not time killed in it
    ("Чиновников, которые закрыли библиотеку, надо перестрелять", "remove"),
    ("Перестрелять бы всю эту администрацию, тогда пробки сами рассосутся", "remove"),
    ("Убить бы время в администрации, пока очередь", "keep"),
    ("Собак, которые бегают по школе, надо отстреливать", "keep"),
    # threats in set phrases; a visit with a petrol can; a can fetched for water
    ("Агронома, который травит сады у школы, я сам отравлю, пусть ходит оглядываясь", "remove"),
    ("Глава, знаю, где твоя дача, скоро приду в гости с канистрой", "remove"),
    ("Приду с канистрой за водой к роднику", "keep"),
    ("Застройщика этого я подкараулю у офиса и голову ему разобью", "remove"),
    ("Пусть машинист ещё раз ночью погудит — прострелю ему кабину", "remove"),
    ("Подожгу этот завод, если ещё раз сольют отходы в балку", "remove"),
    ("Подпалили траву за фермой, дым на весь хутор", "keep"),
    # drugs spelt apart; a cat's name spelt apart is no drug
    ("С к, м е ф, г а ш — всё есть, пиши в телегу", "remove"),
    # said of nobody: "надо быть дураком, чтобы"
    ("Надо быть полным дураком, чтобы строить мост без дороги к нему", "review"),
    # loans, returns, channels, turnkey works, land bought, reviews for pay, free spins
    ("Займ до 30 000 на карту за 10 минут, без звонков и проверок: dengi-srazu.site", "remove"),
    ("Инвестиции в сады Кубани, 40% годовых гарантированно, сайт sady-invest.top", "remove"),
    ("Всё, что скрывает администрация, читайте в паблике t.me/kuban_bez_cenzury", "remove"),
    ("Новости читайте в канале администрации t.me/adm_official", "review"),
    ("Подключим газ в дом за неделю, проект и монтаж под ключ, пишите в вотсап", "remove"),
    ("Квартира под ключ сдана, а газа нет", "keep"),
    ("Скупаем паи и земли сельхозназначения дорого, наличный расчёт, 89614006633", "remove"),
    ("Пиши отзывы о кафе и магазинах, 1500 за вечер, подробности в тг", "remove"),
    ("Joy casino раздаёт 300 бесплатных вращений новичкам, регистрация по ссылке", "remove"),
    # a work permit forged; asked about honestly
    ("Патент для мигрантов без очереди и без экзамена, за сутки, пишите в лс", "remove"),
    ("Где оформить патент на работу? В МФЦ без очереди?", "keep"),
    # gas connected behind the utility's back, offered; complained about
    ("Проведём газ в обход газовой службы, врезка без проекта, недорого, пишите", "remove"),
    ("Соседи сделали врезку без проекта, в обход газовой службы, куда жаловаться?", "keep"),
]  # fmt: skip


#: the fifteenth and sixteenth batches (half written for recall)
FIFTH_ROUND_RECALL = [
    # a strong word as the subject of what a person did; somebody unknown is for a person
    ("Быдлан за рулём газели снёс нашу остановку и уехал", "remove"),
    ("Придурок какой-то поставил машину поперёк тротуара у аптеки", "review"),
    ("Кто проектировал этот спуск к реке, тот явно дурачок", "review"),
    # an agency named by its capitals; a farm's cows
    ("Кретины в ГИМСе, очередь на три часа, а работает одно окно", "remove"),
    ("Коровы в КФХ опять на дороге", "keep"),
    # "падаль" said of someone; "падали" is "fell"
    ("Подрядчик по плотине — ворюга и падаль, пусть вернёт деньги", "remove"),
    ("Плохо организовали ярмарку: люди в жару падали", "keep"),
    # wished on whoever did it is for a person; an order at all who did it is removed
    ("Прибить бы того, кто придумал платный въезд", "review"),
    ("Расстрелять всех, кто подписал акт приёмки этой дороги", "remove"),
    # rubbish burnt is no arson; a building named with "этот" is
    ("Спалю этот мусор сам, раз не вывозите", "keep"),
    ("Подожгу этот кинотеатр, если опять сроки перенесут", "remove"),
    # threats in set phrases
    ("Депутату нашему недолго осталось спокойно по станице ходить, так и передайте", "remove"),
    ("Недолго осталось ждать ремонта моста", "keep"),
    ("Зам главы, мы тебя встретим после работы, всей улицей, готовься", "remove"),
    ("Подумай хорошенько, как она домой возвращается", "remove"),
    ("Подумай, как она будет жить на такую пенсию", "keep"),
    ("Ещё одна отписка — и я приеду в администрацию с канистрой бензина", "remove"),
    # drugs by private message; a resident's advice to write to the police
    ("Меф и соль по району, пиши в лс", "remove"),
    ("У нас в подъезде продают меф, пишите в полицию", "keep"),
    ("М🍄е🍄ф и к🍄р🍄и🍄с🍄ы по району, отправка в течение часа, пиши в лс", "remove"),
    # a grenade from the army; a pomegranate at the market
    ("Есть пара гранат с армейки, кому для рыбалки надо — пишите", "remove"),
    ("Гранат на рынке по 300 за кило", "keep"),
    # a neighbours' chat is for a person; a dating chat is spam
    ("Вступайте в чат жителей Северного микрорайона, ссылка в профиле", "review"),
    ("Чaт знaкомств станицы 18+, там все свои t.me/+znakom_st", "remove"),
    # the official channel with a link is a link for a person to check; a spaced link to a
    # gossip channel is spam
    ("Новости района публикуют в официальном телеграм-канале администрации t.me/adm", "review"),
    ("Подписывайтесь на канал «Подслушано», там всё, что скрывает администрация t .me / podsl",
     "remove"),
    # an ad's phone read as digits, not as "я"; a vacancy said with "нужен" is no list
    ("Ремонт котлов и газовых колонок, выезд по хуторам, 8 988 300 14 62", "remove"),
    ("В пекарню нужен продавец, график 2/2, звоните 8 922 140 33 65, Наталья", "keep"),
    # Yekaterinburg in slang
    ("Ебургские туристы приехали, говорят у нас круче, чем на Урале", "keep"),
]  # fmt: skip


#: the seventeenth and eighteenth batches
FIFTH_ROUND_LAST = [
    # rude words for a person said of someone are removed, like a strong word
    ("Депутат Ковальчук — брехло и проходимец", "remove"),
    ("Главврач больницы — х@мло и бездарность", "remove"),
    # letters typed apart, Latin look-alikes among them, or hyphenated syllables
    ("Наш глава — д e б и л, раз летом воду не может обеспечить", "remove"),
    ("u-r-o-d-y в энергосбыте, опять за свет насчитали за соседа", "remove"),
    ("Билетёрша в электричке — ту-па-я ко-ро-ва, на льготников орёт", "remove"),
    ("Сделаем всё кое-как, из-за погоды, по-моему", "keep"),
    ("Б.ы.с.т.р.ы.е д.е.н.ь.г.и до зарплаты на карту любого банка: zaim-vmig24.ru", "remove"),
    # a drug name ending a run of letters typed apart
    ("С о л ь и м е ф, закладки у моря, пиши в тг", "remove"),
    # a firm's landline beside its ad; an office's landline in a complaint
    ("Шиномонтаж 24 часа, балансировка со скидкой 20%, тел. 8 (86165) 4-23-19", "remove"),
    ("Звонила в приёмную 8 (86143) 2-15-80, никто не берёт трубку", "keep"),
    # letters typed for digits in a phone: "9l8", "OO"
    ("Фильтры для воды с установкой по акции, пиши в WhatsApp +7 9l8 300 20 20", "remove"),
    # a site's name typed apart
    ("ЗАЙМ 0% НА ПЕРВЫЙ МЕСЯЦ z a i m 2 4 . r u", "remove"),
    # threats in set phrases; of whoever does it, for a person
    ("Подкараулю вашего инспектора вечером у рынка, мало ему не покажется", "remove"),
    ("Поймаю тех, кто поля поджигает, мало им не покажется", "review"),
    ("Ещё раз весовой поставите — приедем колонной и разнесём ваш пункт", "remove"),
    ("Глава, у тебя дом на Садовой, 14, мы знаем. Жди в гости", "remove"),
    # drug emoji with a delivery; a shop working again
    ("🍄❄️🌿 доставка в любую станицу, быстро и анонимно, пиши в тг", "remove"),
    ("Магаз снова работает, закладки по всему району и хуторам, ищи по нику в тг", "remove"),
    # medical papers made in absentia
    ("Вожатым: медицинские бумаги оформим заочно, врачей проходить не надо, звоните 89282220199",
     "remove"),
]  # fmt: skip


#: the nineteenth and twentieth batches
FIFTH_ROUND_FINAL = [
    # a participle named as a person, whatever its case
    ("Заведующего рынком надо вывезти в поле и отметелить как следует", "remove"),
    # a wrecking verb told of the postwoman is no threat; ordered at an office it is
    ("Поздравим почтальоншу Людмилу Ивановну, 30 лет разносит почту по станице", "keep"),
    ("Фанаты, в субботу собираемся и разносим администрацию, хватит терпеть", "remove"),
    ("Поджигайте ихние машины, другого языка они не понимают", "remove"),
    # a "miner" wanted is a stash layer; mineral water is not
    ("Ищем ребят в магазин на работу минёром, 120к в неделю, всё анонимно", "remove"),
    ("Вода солёная, платим как за минералку, телефон 8 (86143) 2-15-80 никто не берёт", "keep"),
    # a warning to parents quotes the offer
    ("Внук рассказал, что в телеграме пацанам предлагают работу закладчиками, родители,"
     " смотрите за детьми", "keep"),
    # nits named first, found after
    ("Гниды у детей в садике нашли, родители, проверьте своих", "keep"),
    # an .apk from a commenter; exam answers leaked; a card opened for somebody else
    ("Пацаны, бесплатный VPN для телеги, качайте тут: vpnfree-kub.apk", "remove"),
    ("Слив ответов ОГЭ по всем предметам, канал t.me/ogeotvety_free", "remove"),
    ("Дам 3 тыщи за то, что откроешь на себя карту и отдашь, пиши", "remove"),
    # an address and a price per gram
    ("Этому подрядчику рёбра пересчитаем, адрес уже знаем", "remove"),
    ("Сн❄️ег чистый, 1г — 5к, доставка в руки по району", "remove"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "verdict"), FIFTH_ROUND + FIFTH_ROUND_RECALL + FIFTH_ROUND_LAST + FIFTH_ROUND_FINAL
)
def test_fifth_round_mechanisms(detector: Detector, text: str, verdict: str) -> None:
    """What the thirteenth to twentieth batches taught, each with what it must not catch."""
    assert detector.classify(text, "", Context()).verdict == verdict
