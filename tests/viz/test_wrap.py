"""Long chart sentences in lines narrow enough to be read whole, in English and in Chinese."""
from nnlab.viz import curves
from nnlab.viz.wrap import display_width, wrapped

EN = ("1,998 of 5,400 batches shown: one in 8, each stretch's lowest and highest, the last 200; the smoothed curve "
      "averages them all.")
ZH = "显示 5,400 个批量中的 1,998 个：每 8 个取一个、每一段中最低和最高的，以及最后 200 个；平滑曲线对它们全部取平均。"


def test_display_width_counts_chinese_characters_twice():
    assert display_width("ab 1,2") == 6
    assert display_width("批量：") == 6


def test_english_breaks_between_words_and_keeps_every_word():
    lines = wrapped(EN, 64)
    assert lines == ["1,998 of 5,400 batches shown: one in 8, each stretch's lowest",
                     "and highest, the last 200; the smoothed curve averages them all."]
    assert " ".join(lines) == EN


def test_chinese_breaks_between_characters_never_before_punctuation():
    lines = wrapped(ZH, 30)
    assert "".join(lines).replace(" ", "") == ZH.replace(" ", "")  # only spaces at a break are dropped
    assert len(lines) > 3
    assert all(display_width(line) <= 32 for line in lines)  # 30, or one closing mark more
    assert not any(line[0] in "，。、：；" for line in lines)


def test_short_text_and_a_long_word_stay_whole():
    assert wrapped("a short note", 64) == ["a short note"]
    assert wrapped("x" * 80 + " end", 64) == ["x" * 80, "end"]


def test_the_thinned_batch_loss_chart_gives_its_note_in_lines():
    frame = curves.batch_loss_frame(_history())
    for text in (EN, ZH):
        subtitle = curves.batch_loss_chart(frame, note=text).to_dict()["title"]["subtitle"]
        assert isinstance(subtitle, list) and len(subtitle) >= 2
        assert "".join(subtitle).replace(" ", "") == text.replace(" ", "")
        assert all(display_width(line) <= 66 for line in subtitle)


def _history():
    from nnlab.engine import StepRecord
    from nnlab.lab.history import History

    h = History()
    for step, loss in enumerate([1.0, 0.8, 0.7], start=1):
        h.add(StepRecord(step, 1, 0.01, loss, None, {}))
    return h
