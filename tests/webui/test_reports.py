"""The managers' overview and its workbook: each filter gives exactly the matching
cases on the page, in the downloaded file and from `manage.py export_cases`; a big
export runs in the background with progress and ends in a download for its
requester only."""

import io
import os
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
from lxml import html as lxml_html
from openpyxl import load_workbook

from webui.cases.models import Case
from webui.casework.services import case_start
from webui.definitions.bundles import START_FORM, bundle_of
from webui.definitions.services import active_version
from webui.demo.seed import sample_answers
from webui.logs.models import ProcessingRecord
from webui.reports import services as report_services
from webui.reports.models import ExportRun
from webui.reports.services import export_runs_expire

from ..conftest import PASSWORD, World
from ..exports.helpers import summary_tables

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _start(world: World, gemeente, on: date) -> Case:
    """A case coupled (koppelingsdatum) on ``on``, registered that day."""
    world.clock.set(_at(on))
    return world.start(gemeente, koppeling_datum=on, datum_binnenkomst=on)


def _start_guided_by(world: World, gemeente, mb, on: date) -> Case:
    """A case of ``gemeente`` guided by another MB organisation than its usual one."""
    world.clock.set(_at(on))
    definition = bundle_of(active_version(gemeente)).forms.get(START_FORM)
    answers = sample_answers(
        definition,
        today=on,
        user_for_role=lambda role: "",
        overrides={
            "voornaam": "Andere",
            "achternaam": "Organisatie",
            "bsn": "",
            "koppeling_datum": on,
            "datum_binnenkomst": on,
        },
    )
    return case_start(
        gemeente=gemeente,
        mb_organisation=mb,
        cleaned_data=answers,
        user=world.who("coordinator", gemeente),
        clock=world.clock,
    )


@pytest.fixture
def seeded(world: World) -> dict[str, Case]:
    """Six cases that differ in every filter: two gemeenten, Rivierstad's MB
    organisation guiding a Polderdam case too, phases from the voortraject to closed,
    koppeling dates over three months, two vaste begeleiders in Polderdam."""
    world.user("manager.beide", world.polderdam, "manager")
    world.user("manager.beide", world.rivierstad, "manager")
    world.user("begeleider2.polderdam", world.polderdam, "begeleider")
    cases: dict[str, Case] = {}

    pvt = _start(world, world.polderdam, date(2025, 11, 3))
    cases["pvt"] = world.run_until(pvt, "pvt_workshop", max_steps=60)

    second = _start(world, world.polderdam, date(2025, 12, 1))
    second = world.run_until(second, "intake_gesprek")
    second = world.complete(second, "intake_gesprek", begeleidingsvorm="individueel")
    cases["begeleider2"] = world.complete(
        second, "begeleider_koppelen", begeleider="begeleider2.polderdam"
    )

    cases["new"] = _start(world, world.polderdam, date(2026, 1, 5))
    cases["rivierstad_coupled"] = world.coupled(world.rivierstad)

    closed = _start(world, world.rivierstad, date(2025, 12, 15))
    cases["rivierstad_closed"] = world.run_to_end(closed)

    # Rivierstad's MB organisation also works for Polderdam, and guides one case.
    other = world.mb["rivierstad"]
    other.gemeenten.add(world.polderdam)
    cases["other_mb"] = _start_guided_by(
        world, world.polderdam, other, date(2025, 12, 20)
    )
    for case in cases.values():
        case.refresh_from_db()
    return cases


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _page_references(client: Client, query: str) -> tuple[set[str], int]:
    """The kenmerken in the overview's rows, and the count the page states."""
    response = client.get(f"{reverse('reports:overview')}?{query}")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content.decode())
    shown = [str(t).strip() for t in tree.xpath('//td[@data-label="Kenmerk"]/text()')]
    assert len(shown) == len(set(shown)), "no case twice"
    overview = response.context["overview"]
    assert all(not g.more for g in overview.gemeenten), "the seed fits on the page"
    return set(shown), overview.count


def _file_references(content: bytes) -> set[str]:
    sheet = load_workbook(io.BytesIO(content), read_only=True)["Dossiers"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Kenmerk"
    references = [row[0] for row in rows[1:]]
    assert len(references) == len(set(references)), "no case twice"
    return set(references)


def _download(client: Client, query: str) -> bytes:
    response = client.post(f"{reverse('reports:download')}?{query}")
    assert response.status_code == 200, response
    assert response["Content-Type"] == XLSX
    return response.content


def _command(tmp_path: Path, pairs: list[tuple[str, str]]) -> set[str]:
    args = ["--gebruiker", "manager.beide", "--output", str(tmp_path / "uit.xlsx")]
    for key, value in pairs:
        args += [f"--{key.replace('_', '-')}", value]
    call_command("export_cases", *args, stdout=io.StringIO())
    return _file_references((tmp_path / "uit.xlsx").read_bytes())


# Each filter as the page's query, and the matching cases by a query of the test's own.
FILTERS = {
    "gemeente": (
        [("gemeente", "rivierstad")],
        lambda w, cases: {c for c in cases if c.gemeente_id == w.rivierstad.pk},
    ),
    "organisatie": (
        [("organisatie", "mb-rivierstad")],
        lambda w, cases: {
            c for c in cases if c.mb_organisation_id == w.mb["rivierstad"].pk
        },
    ),
    "fase": (
        [("fase", "inburgering")],
        lambda w, cases: {c for c in cases if "inburgering" in c.open_phases},
    ),
    "fase voortraject": (
        [("fase", "voortraject")],
        lambda w, cases: {c for c in cases if "voortraject" in c.open_phases},
    ),
    "koppeling": (
        [("koppeling_van", "2025-12-01"), ("koppeling_tot", "2025-12-20")],
        lambda w, cases: {
            c
            for c in cases
            if date(2025, 12, 1) <= c.koppeling_datum <= date(2025, 12, 20)
        },
    ),
    "begeleider": (
        [("begeleider", "begeleider2.polderdam")],
        lambda w, cases: {
            c
            for c in cases
            if c.begeleider and c.begeleider.username == "begeleider2.polderdam"
        },
    ),
    "status afgesloten": (
        [("status", "afgesloten")],
        lambda w, cases: {c for c in cases if c.is_closed},
    ),
    "status open": (
        [("status", "open")],
        lambda w, cases: {c for c in cases if not c.is_closed},
    ),
    "gemeente and status": (
        [("gemeente", "polderdam"), ("status", "open"), ("fase", "intake_mb")],
        lambda w, cases: {
            c
            for c in cases
            if c.gemeente_id == w.polderdam.pk
            and not c.is_closed
            and "intake_mb" in c.open_phases
        },
    ),
}


def test_each_filter_gives_exactly_the_matching_cases_on_screen_and_in_the_file(
    world: World, seeded: dict[str, Case], tmp_path: Path
) -> None:
    every_case = list(Case.objects.select_related("begeleider"))
    manager = _client("manager.beide")
    for name, (pairs, matching) in FILTERS.items():
        expected = {c.reference for c in matching(world, every_case)}
        assert expected and len(expected) < len(every_case), f"{name} must narrow"
        query = urlencode(pairs)
        since = max(ProcessingRecord.objects.values_list("pk", flat=True), default=0)

        shown, count = _page_references(manager, query)
        assert shown == expected, f"{name}: the page"
        assert count == len(expected), f"{name}: the page's count"
        file = _file_references(_download(manager, query))
        assert file == expected, f"{name}: the downloaded file"
        assert _command(tmp_path, pairs) == expected, f"{name}: export_cases"

        # Both exports are in the processing log: who, which filters, how many.
        logged = list(
            ProcessingRecord.objects.filter(action="exporteren", pk__gt=since).order_by(
                "id"
            )
        )
        assert [r.detail["via"] for r in logged] == ["pagina", "command"], name
        for record in logged:
            assert record.username == "manager.beide"
            assert record.detail["rows"] == len(expected), name
            filters = record.detail["filters"]
            for key, value in pairs:
                if key == "gemeente":
                    assert value in filters["gemeenten"], name
                else:
                    assert filters[key] == value, name


def test_without_filters_the_page_and_the_file_hold_every_case_of_the_manager(
    world: World, seeded: dict[str, Case]
) -> None:
    everything = {c.reference for c in Case.objects.all()}
    manager = _client("manager.beide")
    assert _page_references(manager, "")[0] == everything
    assert _file_references(_download(manager, "")) == everything


def test_a_manager_of_one_gemeente_sees_and_filters_only_their_own(
    world: World, seeded: dict[str, Case]
) -> None:
    own = {c.reference for c in Case.objects.filter(gemeente=world.polderdam)}
    manager = _client("manager.polderdam")
    assert _page_references(manager, "")[0] == own
    assert _file_references(_download(manager, "")) == own
    # Another gemeente is no choice of theirs: refused by name, nothing exported.
    refused = manager.get(reverse("reports:overview"), {"gemeente": "rivierstad"})
    assert "‘rivierstad’ hoort niet bij de gemeenten" in refused.content.decode()
    assert "overview" not in refused.context
    sneaked = manager.post(f"{reverse('reports:download')}?gemeente=rivierstad")
    assert sneaked.status_code == 302
    assert (
        not ProcessingRecord.objects.filter(
            action="exporteren", username="manager.polderdam", detail__via="pagina"
        )
        .exclude(detail__filters__gemeenten=[])
        .exists()
    )


def test_the_managers_start_page_is_the_overview(
    world: World, seeded: dict[str, Case]
) -> None:
    response = _client("manager.beide").get("/", follow=True)
    assert response.redirect_chain == [(reverse("reports:overview"), 302)]
    page = response.content.decode()
    assert "<h1>Overzicht</h1>" in page and "Download als Excel" in page


def test_a_big_export_runs_in_the_background_shows_progress_and_ends_in_a_download(
    world: World,
    seeded: dict[str, Case],
    settings,
    tmp_path: Path,
    monkeypatch,
    django_capture_on_commit_callbacks,
) -> None:
    settings.WEGWIJS_EXPORT_DIRECT_MAX = 2
    settings.WEGWIJS_EXPORT_DIR = tmp_path / "exports"
    monkeypatch.setattr(report_services, "PROGRESS_EVERY", 1)
    expected = {c.reference for c in Case.objects.filter(is_closed=False)}
    assert len(expected) > settings.WEGWIJS_EXPORT_DIRECT_MAX
    manager = _client("manager.beide")

    overview = manager.get(reverse("reports:overview"), {"status": "open"})
    assert "het bestand wordt op de achtergrond gemaakt" in overview.content.decode()

    with django_capture_on_commit_callbacks() as enqueued:
        response = manager.post(f"{reverse('reports:download')}?status=open")
    run = ExportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run", args=[run.pk])
    status_url = reverse("reports:run_status", args=[run.pk])
    waiting = manager.get(status_url).json()
    assert (waiting["status"], waiting["percent"], waiting["finished"]) == (
        "waiting",
        0,
        False,
    )
    page = manager.get(response["Location"]).content.decode()
    assert "Wacht op de achtergrondverwerking" in page
    assert "Download het Excel-bestand" not in page

    # The worker runs it; at every step the page's status shows how far it is.
    seen = []
    record = report_services.record_progress

    def watched(*, run_id: int, rows: int) -> None:
        record(run_id=run_id, rows=rows)
        seen.append(manager.get(status_url).json())

    monkeypatch.setattr(report_services, "record_progress", watched)
    assert len(enqueued) == 1
    enqueued[0]()

    assert len(seen) >= len(expected)
    assert {s["status"] for s in seen} == {"running"}
    assert {s["text"] for s in seen} == {"Het bestand wordt gemaakt."}
    percents = [s["percent"] for s in seen]
    assert percents == sorted(percents) and 0 < percents[0] and percents[-1] < 100
    assert [s["done"] for s in seen] == list(range(1, len(seen) + 1))
    assert {s["total"] for s in seen} == {len(seen)}, "every row of every sheet"

    done = manager.get(status_url).json()
    assert (done["status"], done["percent"], done["finished"]) == ("done", 100, True)
    assert done["text"] == f"Klaar: {len(expected)} dossiers."
    page = manager.get(reverse("reports:run", args=[run.pk])).content.decode()
    download_url = reverse("reports:run_download", args=[run.pk])
    assert f'href="{download_url}"' in page
    file = manager.get(download_url)
    assert file.status_code == 200 and file["Content-Type"] == XLSX
    assert _file_references(b"".join(file.streaming_content)) == expected
    logged = ProcessingRecord.objects.get(
        action="exporteren", detail__via="achtergrond"
    )
    assert logged.username == "manager.beide"
    # The file is logged when it is made and each time it is downloaded, each
    # record naming every dossier in it.
    downloaded = ProcessingRecord.objects.get(
        action="exporteren", detail__via="download"
    )
    for record in (logged, downloaded):
        named = set(record.subjects.values_list("case_reference", flat=True))
        assert named == set(expected)
    assert logged.detail["rows"] == len(expected)
    assert logged.detail["filters"]["status"] == "open"

    # Only the requester fetches it: to another manager it does not exist.
    other = _client("manager.polderdam")
    for url in (reverse("reports:run", args=[run.pk]), status_url, download_url):
        assert other.get(url).status_code == 404, url

    # After its keeping time the file is gone, and so is the link.
    run.refresh_from_db()
    assert run.path is not None and run.path.is_file()
    later = timezone.now() + timedelta(hours=settings.WEGWIJS_EXPORT_KEEP_HOURS + 1)
    assert export_runs_expire(now=later) == 1
    assert not run.path.exists()
    assert manager.get(download_url).status_code == 404


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_export_files_are_readable_by_their_owner_only(
    world: World,
    seeded: dict[str, Case],
    settings,
    tmp_path: Path,
    django_capture_on_commit_callbacks,
) -> None:
    """Exports hold personal data: other accounts on the host may not read them,
    however permissive the umask or the directory a deployment made."""
    settings.WEGWIJS_EXPORT_DIRECT_MAX = 2
    directory = tmp_path / "exports"
    directory.mkdir()
    directory.chmod(0o755)
    settings.WEGWIJS_EXPORT_DIR = directory
    umask = os.umask(0)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _client("manager.beide").post(f"{reverse('reports:download')}?status=open")
        run = ExportRun.objects.get()
        assert run.status == ExportRun.Status.DONE and run.path is not None
        assert _mode(directory) == 0o700
        assert _mode(run.path) == 0o600

        by_command = tmp_path / "uit.xlsx"
        by_command.write_bytes(b"")
        by_command.chmod(0o644)  # overwriting an earlier file makes it private too
        call_command(
            "export_cases",
            "--gebruiker",
            "manager.beide",
            "-o",
            str(by_command),
            stdout=io.StringIO(),
        )
        assert _mode(by_command) == 0o600
        assert _file_references(by_command.read_bytes())
    finally:
        os.umask(umask)


def test_the_menu_offers_the_case_list_only_to_roles_that_open_cases(
    world: World,
) -> None:
    """A manager reports on cases by kenmerk and never opens one: no *Dossiers* in
    their menu (the list would be empty); a regievoerder has it."""
    world.user("manager.menu", world.polderdam, "manager")
    regievoerder = world.who("regievoerder", world.polderdam)

    def menu(username: str) -> list[str]:
        response = _client(username).get(reverse("reports:overview"), follow=True)
        tree = lxml_html.fromstring(response.content)
        return [a.text_content().strip() for a in tree.xpath("//nav//a")]

    assert "Dossiers" not in menu("manager.menu")
    assert "Mijn taken" not in menu("manager.menu")
    assert "Overzicht" in menu("manager.menu")
    assert {"Mijn taken", "Dossiers"} <= set(menu(regievoerder.username))


@pytest.mark.parametrize(
    ("role", "start"),
    [
        ("manager", "/overzicht/"),
        ("privacy", "/privacy/"),
        ("beheerder", "/processen/"),
        ("regievoerder", "/"),
    ],
)
def test_who_works_no_tasks_starts_on_their_own_page(
    world: World, role: str, start: str
) -> None:
    world.user(f"start.{role}", world.polderdam, role)
    response = _client(f"start.{role}").get("/", follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == start


def test_a_phase_name_shared_by_two_processes_is_one_filter_choice_finding_both(
    world: World, monkeypatch
) -> None:
    """A variant's own process may carry the base's phase name: the manager sees
    ‘Voortraject’ once, and choosing it finds the cases in either process."""
    from webui.reports.filters import ReportFilter
    from webui.reports.selectors import scope as report_selectors

    base = world.run_until(world.start(), "huisvesting_inschrijvingen")
    own = world.run_until(world.start(), "huisvesting_inschrijvingen")
    Case.objects.filter(pk=own.pk).update(open_phases=["voortraject_eigen"])
    trajectory = report_selectors._trajectory
    monkeypatch.setattr(
        report_selectors,
        "_trajectory",
        lambda facts: [
            *trajectory(facts)[:2],
            ("voortraject_eigen", "Voortraject"),
            *trajectory(facts)[2:],
        ],
    )
    manager = world.who("manager", world.polderdam)
    scope = report_selectors.report_scope(user=manager)
    assert [label for _pid, label in scope.phases].count("Voortraject") == 1
    found = report_selectors.report_cases(
        user=manager, report_filter=ReportFilter(fase="voortraject")
    )
    assert {base.pk, own.pk} <= set(found.values_list("pk", flat=True))


def _task_in(
    case: Case,
    phase: str,
    ready: datetime,
    completed: datetime | None,
    state: str = "done",
) -> None:
    """A task row the case has in ``phase`` (as its version then named it)."""
    from uuid import uuid4

    from webui.tasks.models import TaskItem

    TaskItem.objects.create(
        task_id=str(uuid4()),
        case=case,
        gemeente_id=case.gemeente_id,
        mb_organisation_id=case.mb_organisation_id,
        bpmn_id="voortgangsgesprek",
        name="Voortgangsgesprek",
        role="regievoerder",
        form_key="voortgangsgesprek",
        phase=phase,
        state=state,
        ready_at=ready,
        completed_at=completed,
    )


def _stay(case: Case, phase: str, start: date, days: int) -> None:
    """A task the case did in ``phase`` (as its version then named it), ready on
    ``start`` and completed ``days`` later: what a case leaves behind in a phase."""
    _task_in(case, phase, _at(start), _at(start + timedelta(days=days)))


def test_figures_of_cases_on_v1_v2_and_v3_count_one_phase_by_its_key(
    world: World, tmp_path: Path
) -> None:
    """v1 called the phase "Uitvoering", v2 and v3 "Begeleiding vanuit het PIP": a
    case on each (and one migrated from v1 to v3, its days under v1's name) counts
    under the one phase, in the overview and the workbook, as the database says."""
    from webui.definitions.services import base_register, version_deploy
    from webui.demo.seed import archived_base_v1, archived_base_v2
    from webui.reports.selectors import report_summary

    newest = world.start()
    migrated = world.start()
    base_register(files=archived_base_v1())
    version_deploy(gemeente=world.polderdam, own_files={})
    first = world.start()
    base_register(files=archived_base_v2())
    version_deploy(gemeente=world.polderdam, own_files={})
    middle = world.start()
    assert len({c.version_id for c in (newest, first, middle)}) == 3
    day = date(2025, 6, 2)
    _stay(first, "Uitvoering", day, 10)
    _stay(migrated, "Uitvoering", day, 12)
    _stay(middle, "Begeleiding vanuit het PIP", day, 20)
    _stay(newest, "Begeleiding vanuit het PIP", day, 41)
    # The database's median of the four stays (10, 12, 20, 41): 16 days.
    expected = 16

    summary = report_summary(cases=Case.objects.all(), today=day)
    labels = list(summary.phase_labels)
    assert (
        "Uitvoering" not in labels and labels.count("Begeleiding vanuit het PIP") == 1
    )
    (polderdam,) = summary.gemeenten
    assert polderdam.phases[labels.index("Begeleiding vanuit het PIP")][1] == expected

    manager = world.who("manager", world.polderdam)
    client = Client()
    client.force_login(manager)
    html = client.get(reverse("reports:overview")).content.decode()
    row = html.split('<th scope="row">Begeleiding vanuit het PIP</th>', 1)[1]
    assert f'<td class="num">{expected}</td>' in row.split("</tr>", 1)[0]

    content = _download(client, "")
    medians = summary_tables(content)["Mediaan dagen per fase"]
    found = {row[0]: (row[1:] or (None,))[0] for row in medians[1:]}
    assert found["Begeleiding vanuit het PIP"] == expected
    assert "Uitvoering" not in found


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize("in_sql", [True, False], ids=["sql", "python"])
def test_median_days_per_phase_count_local_days_of_left_stays_by_phase_key(
    world: World, monkeypatch: pytest.MonkeyPatch, in_sql: bool
) -> None:
    """The medians the database works out (percentile_cont on PostgreSQL, a
    histogram on SQLite) are the ones of the definition in Python: a migrated case's
    days under v1's and v3's name are one stay; a stay with an open task, a name
    without a completed task, or a phase the case is still in does not count; days
    are days in the Netherlands (after 23:00 UTC, across the clock change); half a
    day goes up."""
    from webui.definitions.services import base_register, version_deploy
    from webui.demo.seed import archived_base_v1, archived_base_v2
    from webui.reports.selectors import figures, report_summary

    newest = [world.start() for _ in range(5)]
    base_register(files=archived_base_v1())
    version_deploy(gemeente=world.polderdam, own_files={})
    first = world.start()
    base_register(files=archived_base_v2())
    version_deploy(gemeente=world.polderdam, own_files={})
    middle = world.start()
    migrated, last, running, cancelled, still_in = newest
    v1_name, v3_name = "Uitvoering", "Begeleiding vanuit het PIP"
    # Ready 00:30 on 3 June in the Netherlands, done on the 21st: 18 days (19 in UTC).
    _task_in(first, v1_name, _utc("2025-06-02 22:30"), _utc("2025-06-21 09:00"))
    # 3 days under v1's name, then 14 under v3's: one stay of 18 days.
    _task_in(migrated, v1_name, _utc("2025-06-02 09:00"), _utc("2025-06-05 09:00"))
    _task_in(migrated, v3_name, _utc("2025-06-06 09:00"), _utc("2025-06-20 09:00"))
    _stay(middle, v3_name, date(2025, 6, 2), 20)
    _stay(last, v3_name, date(2025, 6, 2), 41)
    _stay(running, v3_name, date(2025, 6, 2), 2)
    _task_in(running, v3_name, _utc("2025-06-04 09:00"), None, state="open")
    _stay(cancelled, v3_name, date(2025, 6, 2), 3)
    _task_in(cancelled, v1_name, _utc("2025-06-01 09:00"), None, state="cancelled")
    _stay(still_in, v3_name, date(2025, 6, 2), 4)
    Case.objects.filter(pk=still_in.pk).update(open_phases=["uitvoering"])
    # Two stays of the vervolgtraject, 10 and 13 days: 11.5, shown as 12.
    _stay(migrated, "Vervolgtraject", date(2025, 9, 1), 10)
    _stay(last, "Vervolgtraject", date(2025, 9, 1), 13)
    # Rivierstad: three stays, the middle one across the clock change: ready 00:30
    # on 30 March (CET), done 00:30 on the 31st (CEST) is 1 day.
    elsewhere = [world.start(world.rivierstad) for _ in range(3)]
    for case, ready, done in zip(
        elsewhere,
        ("2025-03-03 09:00", "2025-03-29 23:30", "2025-03-03 09:00"),
        ("2025-03-03 15:00", "2025-03-30 22:30", "2025-04-02 09:00"),
        strict=True,
    ):
        _task_in(case, "Vervolgtraject", _utc(ready), _utc(done))

    if in_sql:
        monkeypatch.setattr(figures, "_medians_in_python", None)  # not used
    else:
        monkeypatch.setattr(figures, "_medians", figures._medians_in_python)
    summary = report_summary(cases=Case.objects.all(), today=date(2025, 12, 1))

    labels = list(summary.phase_labels)
    medians = {
        gemeente.naam: {
            label: median
            for label, (_n, median) in zip(labels, gemeente.phases, strict=True)
            if median is not None
        }
        for gemeente in summary.gemeenten
    }
    assert medians == {
        world.polderdam.naam: {v3_name: 19, "Vervolgtraject": 12},
        world.rivierstad.naam: {"Vervolgtraject": 1},
    }


def test_the_overview_draws_cases_per_phase_and_says_what_its_figures_count(
    world: World, seeded: dict[str, Case]
) -> None:
    """A chart of cases per phase per gemeente, its numbers in the table beside it;
    "15 van 19" says of what; and that a case is in one phase per track."""
    response = _client("manager.beide").get(reverse("reports:overview"))
    tree = lxml_html.fromstring(response.content.decode())
    for section in tree.xpath('//section[@class="report-gemeente"]'):
        bars = [
            (
                li.xpath('.//span[@class="bar-label"]/text()')[0],
                int(li.xpath('.//span[@class="bar-n"]/text()')[0]),
            )
            for li in section.xpath('.//figure[@class="phase-chart"]//li')
        ]
        table = [
            (row.xpath("./th/text()")[0], int(row.xpath("./td[1]/text()")[0]))
            for row in section.xpath('.//table[@class="phases"]/tbody/tr')
        ]
        assert bars and bars == table
        widths = [
            int(rect.get("width"))
            for rect in section.xpath('.//figure[@class="phase-chart"]//rect')
        ]
        assert max(widths) == 100
        caption = section.xpath('.//figure[@class="phase-chart"]/figcaption')[0]
        assert "twee fasen tegelijk" in caption.text_content()
    html = response.content.decode()
    assert "dossiers met een vastgesteld PIP of een verstreken PIP-termijn" in html
