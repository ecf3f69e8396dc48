"""The post ``publisher new`` writes, and its example text, which check refuses to publish.

The template's text and its description of a photo are examples to be replaced; a post that
still has a line of them is an error in ``check`` (``check._check_template``), so a draft
committed as it was created never goes out with the template's words.
"""

from __future__ import annotations

#: the body of a new post: each line an example to replace with the post's own text
BODY_LINES = (
    "Напишите здесь текст поста: просто и по делу, как говорите с жителями.",
    "Когда текст готов, поменяйте status на ready и откройте запрос на слияние.",
)
#: the example description of a photo, in the template's commented-out media block
ALT_EXAMPLE = "Что на фото"
#: every example the template writes: none of them may be published
PLACEHOLDERS = frozenset((*BODY_LINES, ALT_EXAMPLE))

#: a new post; ``str.format`` fills in title, id, networks and day
TEMPLATE = (
    """---
title: "{title}"
# Постоянный id: по нему publisher узнаёт пост, если файл перенесут. Не меняйте его.
id: {id}
# Где публиковать: vk, ok, telegram, max, facebook, instagram, x
networks: [{networks}]
# Когда публиковать. Без этой строки пост выйдет сразу после слияния.
# publish_at: {day} 10:00
# draft — черновик, ready — публиковать, withdrawn — снять с публикации
status: draft
# Фото положите в эту папку и перечислите здесь:
# media:
#   - file: photo.jpg
#     alt: """
    + ALT_EXAMPLE
    + """
# Конкурс: как участвовать (comment, repost, poll), до какого времени, сколько победителей.
# contest:
#   entry: comment
#   keyword: участвую
#   closes: {day} 18:00
#   winners: 3
# Прямой эфир: во ВКонтакте publisher сам создаст трансляцию.
# live:
#   starts: {day} 18:00
tags: []
---

"""
    + "\n".join(BODY_LINES)
    + "\n"
)
