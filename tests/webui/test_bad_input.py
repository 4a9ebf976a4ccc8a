"""No 500 for bad input: tampered wizard steps, dates and numbers out of range,
unknown choices, arbitrary POST data and broken uploads each get a Dutch message,
and nothing is saved wrongly."""

import io
import json
import random
import zipfile
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from forms.builder import build_form_class
from forms.fields import DATE_MAX, DATE_MIN
from forms.registry import (
    FieldDefinition,
    FormDefinition,
    StepDefinition,
    default_registry,
)
from forms.values import stored_data
from webui.cases.models import Case, Submission
from webui.casework.selectors import case_form
from webui.demo.seed import sample_answers
from webui.tasks.models import TaskItem

from ..conftest import PASSWORD, World

UNKNOWN_STEP = "verwees naar een stap die niet bestaat"
DATE_RANGE = "Vul een datum in tussen 01-01-1900 en 31-12-2100."


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _post_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def _step_data(definition: FormDefinition, answers: dict, step: int) -> dict:
    return {
        f"{step}-{field.name}": _post_value(answers[field.name])
        for field in definition.steps[step].fields
    }


class Wizard:
    """The four-step intake of a case, opened by the begeleider who holds it."""

    def __init__(self, world: World) -> None:
        case = world.run_until(world.start(), "intake_gesprek")
        self.item = TaskItem.objects.get(
            case=case, bpmn_id="intake_gesprek", state=TaskItem.State.OPEN
        )
        user = self.item.assignee or world.who(self.item.role, world.polderdam)
        self.case = case
        self.lock = case.lock_version
        self.definition = case_form(case=case, form_key="intake_gesprek")
        self.answers = world.answers(self.item)
        self.url = reverse("tasks:task", args=[self.item.task_id])
        self.management = f"task_{self.item.task_id}-current_step"
        self.client = _client(user.username)

    def step(self, number: int, **changes: Any) -> dict:
        data = _step_data(self.definition, self.answers, number)
        data.update({f"{number}-{k}": v for k, v in changes.items()})
        return {self.management: str(number), **data}

    def post(self, data: dict, **kwargs: Any):
        return self.client.post(self.url, data, **kwargs)

    def nothing_saved(self) -> bool:
        self.case.refresh_from_db()
        return (
            self.case.lock_version == self.lock
            and not Submission.objects.filter(task_id=self.item.task_id).exists()
        )


@pytest.fixture
def wizard(world: World) -> Wizard:
    return Wizard(world)


# ---- the wizard's steps ----------------------------------------------------------


@pytest.mark.parametrize("bad_step", ["99", "x", "", "-1", "1 ", "0;1"])
def test_a_tampered_step_shows_the_step_again_and_loses_nothing(
    wizard: Wizard, bad_step: str
) -> None:
    wizard.client.get(wizard.url)
    response = wizard.post(wizard.step(0))
    assert "Stap 2 van 4" in response.content.decode()

    tampered = wizard.step(1)
    tampered[wizard.management] = bad_step
    response = wizard.post(tampered)
    assert response.status_code == 200
    html = response.content.decode()
    assert UNKNOWN_STEP in html and "Stap 2 van 4" in html
    assert wizard.nothing_saved()

    # What step 1 stored is still there: the rest of the wizard completes the task.
    for number in (1, 2, 3):
        response = wizard.post(wizard.step(number))
    assert response.status_code == 302
    submission = Submission.objects.get(task_id=wizard.item.task_id)
    assert submission.data["datum_intake"] == wizard.answers["datum_intake"].isoformat()


@pytest.mark.parametrize("bad_goto", ["99", "x", "-1"])
def test_a_tampered_back_button_shows_the_step_again(
    wizard: Wizard, bad_goto: str
) -> None:
    wizard.client.get(wizard.url)
    wizard.post(wizard.step(0))
    response = wizard.post({**wizard.step(1), "wizard_goto_step": bad_goto})
    assert response.status_code == 200
    html = response.content.decode()
    assert UNKNOWN_STEP in html and "Stap 2 van 4" in html
    assert wizard.nothing_saved()


def test_a_post_without_the_wizard_fields_starts_at_step_one(wizard: Wizard) -> None:
    response = wizard.post({"0-datum_intake": "2026-01-10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert UNKNOWN_STEP in html and "Stap 1 van 4" in html
    assert wizard.nothing_saved()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"datum_intake": "9999-12-31"}, DATE_RANGE),
        ({"datum_intake": "0001-01-01"}, DATE_RANGE),
        ({"datum_intake": "1899-12-31"}, DATE_RANGE),
        ({"datum_intake": "2026-02-30"}, "Voer een geldige datum in."),
        ({"datum_intake": "31-02-2026"}, "Voer een geldige datum in."),
        ({"intake_locatie": "op-de-maan"}, "Selecteer een geldige keuze."),
        ({"tolk_aanwezig": "misschien"}, "Selecteer een geldige keuze."),
        (
            {"verwachtingen_statushouder": "x" * 100_000},
            "niet meer dan 5000 tekens bevat",
        ),
    ],
)
def test_bad_values_on_the_first_step_get_a_dutch_error(
    wizard: Wizard, changes: dict, message: str
) -> None:
    wizard.client.get(wizard.url)
    response = wizard.post(wizard.step(0, **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Stap 1 van 4" in html
    assert wizard.nothing_saved()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"aantal_kinderen": "9" * 5000}, "Voer een geheel getal in."),
        ({"aantal_kinderen": "99999999999999999999"}, "deze waarde hoogstens 20 is"),
        ({"aantal_kinderen": "1e999999"}, "Voer een geheel getal in."),
        ({"maanden_in_opvang": "-1"}, "deze waarde minstens 0 is"),
    ],
)
def test_huge_numbers_get_a_dutch_error(
    wizard: Wizard, changes: dict, message: str
) -> None:
    wizard.client.get(wizard.url)
    wizard.post(wizard.step(0))
    response = wizard.post(wizard.step(1, **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Stap 2 van 4" in html
    assert wizard.nothing_saved()


# ---- the fields the builder makes -------------------------------------------------


def _one_field_form(**field: Any):
    definition = FieldDefinition(label="Vraag", privacy="normaal", **field)
    form = FormDefinition(
        key="proef",
        title="Proef",
        steps=(StepDefinition(title="Stap", fields=(definition,)),),
    )
    return build_form_class(form)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("1900-01-01", True),
        ("2100-12-31", True),
        ("1899-12-31", False),
        ("2101-01-01", False),
        ("9999-12-31", False),
        ("0001-01-01", False),
        ("2026-02-30", False),
        ("", True),
    ],
)
def test_dates_lie_between_1900_and_2100(value: str, valid: bool) -> None:
    form = _one_field_form(name="d", type="date")(data={"d": value})
    assert form.is_valid() is valid, form.errors
    assert (DATE_MIN, DATE_MAX) == (date(1900, 1, 1), date(2100, 12, 31))


def test_a_number_without_bounds_gets_sane_ones() -> None:
    integer = _one_field_form(name="n", type="number")
    for value, valid in [
        ("999999999", True),
        ("-1000000000", True),
        ("1000000001", False),
        ("-1000000001", False),
        ("9" * 5000, False),
        ("1e999999", False),
    ]:
        assert integer(data={"n": value}).is_valid() is valid, value

    decimal = _one_field_form(name="n", type="number", decimals=2, min_value=0)
    for value, valid in [
        ("12.50", True),
        ("12.345", False),
        ("1E+999999", False),
        ("NaN", False),
        ("Infinity", False),
        ("-0.01", False),
        ("1000000000.01", False),
    ]:
        assert decimal(data={"n": value}).is_valid() is valid, value


def test_a_multichoice_with_a_single_value_instead_of_a_list_is_an_error() -> None:
    form_class = _one_field_form(
        name="m", type="multichoice", choices=(("a", "A"), ("b", "B"))
    )
    form = form_class(data={"m": "a"})
    assert not form.is_valid()
    assert "Voer een lijst met waarden in." in form.errors["m"]


# ---- arbitrary data for real forms (hypothesis) -------------------------------------

ODD = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "ja",
        "nee",
        "2026-02-30",
        "0000-01-01",
        "9999-12-31",
        "31-12-2026",
        "1e999999",
        "NaN",
        "-Infinity",
        "<script>alert(1)</script>",
        '=HYPERLINK("http://evil.example")',
        "٣٤",  # Arabic-Indic digits
        "１２３",  # full-width digits
    ]
)
SCALAR = st.one_of(
    st.text(max_size=40),
    ODD,
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.builds(lambda c, n: c * n, st.characters(), st.integers(0, 20_000)),
)
VALUE = st.one_of(SCALAR, st.lists(SCALAR, max_size=4))
FORM_KEYS = ["aanmelding", "intake_gesprek", "contactmoment", "brede_intake"]


def _users(role: str) -> list[tuple[str, str]]:
    return [(f"{role}.polderdam", role.title())]


def _field_value(field: FieldDefinition):
    options = [value for value, _label in field.choices] or ["ja", "nee"]
    return st.one_of(
        VALUE, st.sampled_from(options), st.lists(st.sampled_from(options))
    )


def _sample(definition: FormDefinition) -> dict[str, Any]:
    """Valid answers, as a browser posts them: the start every example mutates."""
    answers = sample_answers(
        definition, today=date(2026, 1, 5), user_for_role=lambda r: f"{r}.polderdam"
    )
    return {name: _post_value(value) for name, value in answers.items()}


def _mutated(data, fields, sample: dict[str, Any], prefix: str = "") -> dict:
    """The sample with some fields replaced by anything, and some left out."""
    posted = {f"{prefix}{name}": value for name, value in sample.items()}
    for field in fields:
        key = f"{prefix}{field.name}"
        what = data.draw(st.sampled_from(["keep", "change", "drop"]), label=key)
        if what == "change":
            posted[key] = data.draw(_field_value(field), label=f"{key} value")
        elif what == "drop":
            posted.pop(key, None)
    return posted


@pytest.mark.parametrize("form_key", FORM_KEYS)
@settings(max_examples=50, deadline=None, database=None)
@given(data=st.data())
def test_any_data_validates_without_raising(form_key: str, data) -> None:
    definition = default_registry().get(form_key)
    form_class = build_form_class(definition, user_choices=_users)
    posted: Any = _mutated(data, definition.fields, _sample(definition))
    if data.draw(st.booleans(), label="as a browser posts it"):
        posted = MultiValueDict(
            {k: v if isinstance(v, list) else [v] for k, v in posted.items()}
        )
    form = form_class(data=posted)
    if form.is_valid():
        stored = stored_data(definition, form.cleaned_data)
        json.dumps(stored)
        for field in definition.fields:
            if field.type == "date" and stored[field.name]:
                assert "1900-01-01" <= stored[field.name] <= "2100-12-31"
    else:
        assert form.errors
        assert all(isinstance(m, str) and m for ms in form.errors.values() for m in ms)


@pytest.fixture
def housing_task(world: World):
    # At the start the voortraject's tasks are the pool of the begeleiders.
    case = world.start()
    item = TaskItem.objects.get(
        case=case, bpmn_id="huisvesting_inschrijvingen", state=TaskItem.State.OPEN
    )
    definition = case_form(case=case, form_key=item.form_key)
    return item, definition, _client("begeleider.polderdam")


@settings(
    max_examples=50,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_posting_anything_to_a_task_page_never_gives_a_500(housing_task, data) -> None:
    item, definition, client = housing_task
    management = f"task_{item.task_id}-current_step"
    posted = _mutated(data, definition.fields, _sample(definition), prefix="0-")
    posted[management] = data.draw(st.one_of(st.just("0"), SCALAR), label="step")
    if data.draw(st.booleans(), label="back button"):
        posted["wizard_goto_step"] = data.draw(SCALAR, label="goto")
    # Each example on the same open task: whatever it saved is rolled back after.
    with transaction.atomic():
        response = client.post(reverse("tasks:task", args=[item.task_id]), posted)
        assert response.status_code in (200, 302)
        event(f"status {response.status_code}")
        if response.status_code == 200:
            html = response.content.decode()
            assert 'id="form-errors"' in html or UNKNOWN_STEP in html, (
                "a refused post says why"
            )
        for submission in Submission.objects.filter(task_id=item.task_id):
            json.dumps(submission.data)
            for field in definition.fields:
                value = submission.data.get(field.name)
                if field.type == "date" and value:
                    assert "1900-01-01" <= value <= "2100-12-31"
        transaction.set_rollback(True)


# ---- uploads in the studio ----------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


VALID_FORM = json.dumps(
    {
        "key": "proef",
        "title": "Proef",
        "steps": [
            {
                "title": "Stap",
                "fields": [
                    {"name": "a", "type": "text", "label": "A", "privacy": "normaal"}
                ],
            }
        ],
    }
).encode()
_RANDOM = random.Random(20260105)
NOISE = bytes(_RANDOM.getrandbits(8) for _ in range(50_000))
BOMB = _zip({"diagram.bpmn": b"<" * 30_000_000})

DEEP_LIST = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
DEEP_BPMN = (
    b'<?xml version="1.0"?><bpmn:definitions'
    b' xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">'
    b'<bpmn:process id="diep" isExecutable="true">'
    + b"".join(b'<bpmn:subProcess id="s%d">' % i for i in range(240))
    + b"</bpmn:subProcess>" * 240
    + b"</bpmn:process></bpmn:definitions>"
)
REFUSED = ("Niet geüpload",)
TAKEN = ("In het concept gezet",)
# name, content, what the beheerder may read (any of these)
UPLOADS = {
    "random bytes as zip": ("dossiers.zip", NOISE, REFUSED),
    "random bytes as bpmn": ("diagram.bpmn", NOISE, REFUSED),
    "random bytes as json": ("formulieren.json", NOISE, REFUSED),
    "random bytes, other name": ("virus.exe", NOISE, REFUSED),
    "truncated zip": (
        "set.zip",
        _zip({"diagram.bpmn": b"<x/>" * 1000})[:-30],
        REFUSED,
    ),
    "empty zip": ("leeg.zip", _zip({}), REFUSED),
    "zip with path tricks": (
        "set.zip",
        _zip({"../../etc/passwd.bpmn": b"<x/>"}),
        REFUSED,
    ),
    "zip with absolute path": ("set.zip", _zip({"/etc/evil.bpmn": b"<x/>"}), REFUSED),
    "zip with binary bpmn": ("set.zip", _zip({"diagram.bpmn": NOISE}), REFUSED),
    "zip bomb": ("bom.zip", BOMB, REFUSED),
    "zip of 301 files": (
        "veel.zip",
        _zip({f"d{i}.bpmn": b"<x/>" for i in range(301)}),
        REFUSED,
    ),
    "nested zip": (
        "set.zip",
        _zip({"binnen.zip": _zip({"d.bpmn": b"<x/>"})}),
        REFUSED,
    ),
    # Text files are taken into the draft; the check then names what is wrong.
    "not xml": ("diagram.bpmn", b"dit is geen xml", TAKEN),
    "xml bomb": (
        "diagram.bpmn",
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>',
        TAKEN,
    ),
    "broken form json": ("formulieren.json", b'{"key": ', TAKEN),
    "form with another key": (
        "proef.json",
        VALID_FORM.replace(b"proef", b"Kapot"),
        TAKEN,
    ),
    # Nested ten thousand deep: no RecursionError in the parser or later pages.
    "deeply nested form json": ("diep.json", DEEP_LIST, TAKEN),
    "deeply nested objects in a zip": (
        "set.zip",
        _zip({"formulieren/diep.json": DEEP_OBJECT, "instellingen.json": DEEP_LIST}),
        TAKEN,
    ),
    "deeply nested xml": ("diep.bpmn", b"<a>" * 10_000 + b"</a>" * 10_000, TAKEN),
    "deeply nested subprocesses": ("diep.bpmn", DEEP_BPMN, TAKEN),
    # The studio's upload form refuses it before the size check of the files module.
    "over 20 MB": (
        "groot.zip",
        b"0" * 20_000_001,
        ("groter dan 20 MB", "Kies een bestand"),
    ),
}
DUTCH = (
    "Niet geüpload",
    "Kies een bestand",
    "In het concept gezet",
)


def _upload(client: Client, name: str, content: bytes):
    return client.post(
        reverse("studio:upload", args=["polderdam"]),
        {"bestand": SimpleUploadedFile(name, content)},
        follow=True,
    )


@pytest.mark.parametrize("case", list(UPLOADS))
def test_a_broken_upload_gets_a_dutch_message_not_a_500(
    world: World, case: str
) -> None:
    name, content, expected = UPLOADS[case]
    client = _client("beheerder.polderdam")
    versions = world.polderdam.definition_versions.count()
    response = _upload(client, name, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert any(text in html for text in expected), html[:2000]
    if "In het concept gezet" in html:
        # Taken into the draft: the check names what is wrong with it.
        assert "Fout" in html
    assert world.polderdam.definition_versions.count() == versions, "nothing deployed"
    assert Case.objects.count() == 0


@settings(
    max_examples=25,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(["d.zip", "d.bpmn", "d.bpmn20.xml", "d.json", "d.txt"]),
    content=st.binary(max_size=5000),
)
def test_random_uploads_never_give_a_500(world: World, name: str, content: bytes):
    client = _client("beheerder.polderdam")
    response = _upload(client, name, content)
    assert response.status_code == 200
    assert any(text in response.content.decode() for text in DUTCH)


NUL_PAGES = [
    ("begeleider", "tasks:queue", {}, ["zoek", "gemeente", "fase", "lijst", "pagina"]),
    ("coordinator", "cases:list", {}, ["fase", "verlopen", "zoek", "pagina"]),
    ("coordinator", "coordination:home", {}, ["organisatie"]),
    ("trainer", "pvt:new", {}, ["organisatie", "taak"]),
    ("manager", "reports:overview", {}, ["gemeente", "fase", "begeleider", "status"]),
    ("privacy", "privacy:log", {}, ["gebruiker", "dossier", "van"]),
    ("beheerder", "studio:list", {}, ["gemeente"]),
]


@pytest.mark.parametrize(("role", "name", "kwargs", "params"), NUL_PAGES)
def test_a_nul_character_in_the_address_is_no_500(
    world: World, role: str, name: str, kwargs: dict, params: list[str]
) -> None:
    """PostgreSQL refuses NUL in any text it is asked to compare: a link with one (a
    pasted or tampered address) gets an answer, never a server error."""
    client = Client()
    assert client.login(username=f"{role}.polderdam", password=PASSWORD)
    url = reverse(name, kwargs=kwargs)
    response = client.get(url, {param: "a\x00b" for param in params})
    assert response.status_code == 400
    assert "Dit verzoek kon Wegwijs niet verwerken" in response.content.decode()
    assert client.get(url, {param: "ab" for param in params}).status_code in (200, 302)


def test_a_nul_character_in_the_case_page_address_is_no_500(world: World) -> None:
    case = world.start()
    client = Client()
    assert client.login(username="coordinator.polderdam", password=PASSWORD)
    url = reverse("cases:detail", args=[case.reference])
    response = client.get(url, {"soort": "a\x00", "toon": "\x00", "diagram": "\x00"})
    assert response.status_code == 400
    beheerder = Client()
    assert beheerder.login(username="beheerder.polderdam", password=PASSWORD)
    diagram = reverse("studio:diagram", args=["polderdam", "\x00.bpmn"])
    assert beheerder.get(diagram).status_code == 404


@pytest.mark.parametrize("deep", [DEEP_LIST, DEEP_OBJECT], ids=["list", "object"])
def test_deeply_nested_json_in_the_form_editor_gets_a_dutch_message(
    world: World, deep: bytes
) -> None:
    client = _client("beheerder.polderdam")
    text = deep.decode()
    editor = reverse("studio:form_editor", args=["polderdam", "contactmoment"])
    saved = client.post(editor, {"definition": text})
    assert saved.status_code == 200
    assert "te diep genest" in saved.content.decode()
    assert saved.context["text"] == text, "what was typed stays on the page"
    # The draft holds it, and the pages that read the draft still answer.
    assert client.get(editor).status_code == 200
    assert client.get(reverse("studio:home", args=["polderdam"])).status_code == 200

    preview = client.post(
        reverse("studio:form_preview", args=["polderdam", "contactmoment"]),
        {"definition": text},
    )
    assert preview.status_code == 400
    assert preview.content.decode().startswith(
        "Het voorbeeld kan niet worden getoond: de JSON is te diep genest"
    )
