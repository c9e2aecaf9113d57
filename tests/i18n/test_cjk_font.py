"""Chinese chart titles render as glyphs, not as empty boxes: the machine has a CJK font (.ci/run installs
fonts-noto-cjk) and vl-convert, which draws the exported charts, finds it.

Without a font for a script every character is drawn alike, so a title and its reversal give the same image.
"""
import altair as alt
import pandas as pd
import vl_convert


def png(title):
    chart = alt.Chart(pd.DataFrame({"epoch": [1, 2], "loss": [0.9, 0.4]})).mark_line().encode(
        x=alt.X("epoch", title=title), y="loss").properties(title=title)
    return vl_convert.vegalite_to_png(chart.to_json(), scale=1)


def test_chinese_titles_are_drawn_with_real_glyphs():
    assert png("训练损失") != png("失损练训")


def test_the_check_tells_a_script_without_a_font():
    unassigned = "\u0378\u0379\u0380"  # code points Unicode has not assigned: no font can have them
    assert png(unassigned) == png(unassigned[::-1])
