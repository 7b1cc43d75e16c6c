"""The parts of the WordPress importer on their own: WPBakery shortcodes, the seed page's plain-text style, and
treatment names taken from sentences."""

import pytest

from importing.wordpress import mapping, shortcodes

# --- The parts ---------------------------------------------------------------------------------------------


def test_shortcodes_typographic_quotes_unknown_pairs_and_literal_brackets():
    assert shortcodes.parse_attrs("width=”2/3″ el_class=‘wide’ offset=vc_col-md-2") == {
        "width": "2/3",
        "el_class": "wide",
        "offset": "vc_col-md-2",
    }
    text = (
        "[vc_row][vc_column width=”2/3″][vc_column_text]Pain [sic] and [dt_box style=”a”]<b>kept</b>[/dt_box]"
        '[gallery ids="1,2"] [[vc_row]][/vc_column_text][/vc_column][vc_column width=”1/3″]Side[/vc_column][/vc_row]'
    )
    page = shortcodes.page_columns(text)
    assert page.main == "Pain [sic] and <b>kept</b> [vc_row]"
    assert page.sidebar == "Side"
    assert page.removed == ["gallery"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[vc_row][vc_column]text[/vc_column]", "the shortcode [vc_row] opened on line 1 never closes"),
        ("[vc_row]\n[vc_column]text\n[/vc_row]", "[vc_column] opened on line 2 never closes ([/vc_row] on line 3"),
    ],
)
def test_shortcodes_that_never_close_are_an_error(text, message):
    with pytest.raises(shortcodes.ShortcodeError, match=message.replace("[", r"\[").replace("(", r"\(")):
        shortcodes.page_columns(text)


def test_seed_style_plain_text_maps_like_html():
    text = (
        "Description:\n\nA short overview.\n\n  • Symptom one.\n  • Symptom two.\n\n\n  • Cause one.\n\n"
        "Screening and Diagnosis:\n\nHow it is found.\n\nTreatment depends on the cause.\n\n"
        "Surgical options:\n\n  • Revision surgery can help.\n\nInjection Therapy:\n\n"
    )
    page = mapping.map_page(text, "Title: A study\nAuthors: Ann Lee, MD\nJournal: Pain, 2019\n\nleftover ss")
    assert page.html("overview") == "<p>A short overview.</p>"
    assert page.html("symptoms") == "<ul><li>Symptom one.</li><li>Symptom two.</li></ul>"
    assert page.html("causes") == "<ul><li>Cause one.</li></ul>"
    assert page.html("diagnosis") == "<p>How it is found.</p>"
    assert page.html("treatment_notes") == "<p>Treatment depends on the cause.</p>"
    assert [(entry.category, entry.text) for entry in page.treatments] == [("surgical", "Revision surgery can help.")]
    [citation] = page.citations
    assert (citation.title, citation.journal, citation.year) == ("A study", "Pain", 2019)
    assert page.stray == ["leftover ss"]
    assert page.is_condition


def test_treatment_names_are_derived_from_sentences():
    assert mapping.treatment_name_from("If scans show a cause, corrective surgery can be done.") == "Corrective surgery"
    assert mapping.treatment_name_from("A selective nerve root block can confirm it.") == "Selective nerve root block"
    assert mapping.treatment_name_from("Options include:") is None
