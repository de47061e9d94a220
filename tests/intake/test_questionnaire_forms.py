"""The questionnaire step's form, built from the instrument definitions."""

from intake.instruments import INSTRUMENT_ORDER, PREFER_NOT_TO_ANSWER
from intake.questionnaire_forms import QuestionnairesForm, question_name


def test_the_form_asks_every_item_of_every_instrument_with_prefer_not_to_answer_last():
    form = QuestionnairesForm()
    for instrument in INSTRUMENT_ORDER:
        for item in instrument.items:
            choices = form.fields[question_name(instrument.code, item.key)].choices
            assert choices[-1] == ("decline", PREFER_NOT_TO_ANSWER)
            assert len(choices) == (3 if item.kind == "yes_no" else len(item.options) + 1)


def test_the_form_turns_posted_values_into_answers_per_instrument():
    form = QuestionnairesForm(
        {"q-phq9-1": "2", "q-phq9-9": "decline", "q-asq-1": "yes", "q-asq-2": "no", "action": "next"}
    )
    form.is_valid()
    assert form.answers() == {"phq9": {"1": 2, "9": None}, "asq": {"1": True, "2": False}}


def test_the_form_leaves_out_a_value_the_page_never_offers():
    form = QuestionnairesForm({"q-phq9-1": "7", "q-phq9-2": "1", "q-nope-1": "1"})
    form.is_valid()
    assert form.answers() == {"phq9": {"2": 1}}
