"""The dashboard's chart, drawn mirrored for a language written right to left."""

from django.utils import translation

from requests_app.core.charts import grouped_bars

GROUPS = ["2025", "2026"]
SERIES = [("African States", [1, 4]), ("Asia-Pacific States", [2, 0])]


def test_in_arabic_the_first_group_is_on_the_right_and_the_scale_on_the_right_edge():
    ltr = grouped_bars(groups=GROUPS, series=SERIES, rtl=False)
    rtl = grouped_bars(groups=GROUPS, series=SERIES, rtl=True)
    assert ltr["labels"][0]["x"] < ltr["labels"][1]["x"]
    assert rtl["labels"][0]["x"] > rtl["labels"][1]["x"]
    for left, right in zip(ltr["bars"], rtl["bars"], strict=True):
        assert right["x"] + right["width"] == round(ltr["width"] - left["x"], 1)
        assert (right["y"], right["height"], right["title"]) == (left["y"], left["height"], left["title"])
    assert ltr["tick_x"] < ltr["grid_x1"] and rtl["tick_x"] > rtl["grid_x2"]


def test_the_direction_follows_the_active_language():
    with translation.override("ar"):
        assert grouped_bars(groups=GROUPS, series=SERIES)["rtl"] is True
    with translation.override("fr"):
        assert grouped_bars(groups=GROUPS, series=SERIES)["rtl"] is False


def test_a_scale_up_to_one_does_not_say_zero_twice():
    chart = grouped_bars(groups=["2026"], series=[("African States", [1])])
    assert [tick["value"] for tick in chart["ticks"]] == [0, 1]
    chart = grouped_bars(groups=["2026"], series=[("African States", [6])])
    assert [tick["value"] for tick in chart["ticks"]] == [0, 3, 6]
