"""A gemeente's rule that is a table (DMN) in the studio: listed, edited in the DMN
editor page, checked, diffed, deployed, and run by the next case."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from webui.definitions.instellingen import parse_settings
from webui.definitions.models import Draft
from webui.definitions.services import active_version

from ..conftest import World, state_of
from .test_studio import embedded, studio_url
from .test_views import client_for

TABLE = "voortgang_frequentie.dmn"


def with_cell(xml: str, cell_id: str, value: str) -> str:
    """The table with one cell's text replaced, as the editor would save it."""
    start = xml.index(f'id="{cell_id}"')
    open_at = xml.index("<text>", start) + len("<text>")
    return xml[:open_at] + value + xml[xml.index("</text>", open_at) :]


def test_the_studio_lists_the_tables_and_opens_them_in_the_dmn_editor(
    world: World,
) -> None:
    client = client_for(world, "beheerder.polderdam")
    home = client.get(studio_url("home"))
    files = {f.name: f for f in home.context["overview"].files}
    assert files[TABLE].kind == "beslistabel"
    assert files[TABLE].title == "Frequentie voortgangsgesprek"
    assert f'href="{studio_url("dmn_editor", TABLE)}"' in home.content.decode()
    page = client.get(studio_url("dmn_editor", TABLE))
    html = page.content.decode()
    assert 'name="voortgang_weken"' in embedded(html, "dmn-xml-source")
    assert "vendor/dmn-js/dmn-modeler.production.min.js" in html
    assert "https://" not in html.split("<body", 1)[0], "no CDN"
    assert client.get(studio_url("dmn_editor", "traject.bpmn")).status_code == 404
    assert client.get(studio_url("dmn_editor", "bestaat_niet.dmn")).status_code == 404


def test_only_the_gemeentes_beheerder_reaches_the_dmn_editor(world: World) -> None:
    world.user("beheerder.rivierstad", world.rivierstad, "beheerder")
    for username in ("regievoerder.polderdam", "beheerder.rivierstad"):
        client = client_for(world, username)
        assert client.get(studio_url("dmn_editor", TABLE)).status_code == 404
        refused = client.post(studio_url("dmn_editor", TABLE), {"xml": "<x/>"})
        assert refused.status_code == 404
    assert not Draft.objects.filter(gemeente=world.polderdam, files__has_key=TABLE)


def test_a_refused_cell_is_named_and_blocks_the_deploy(world: World) -> None:
    client = client_for(world, "beheerder.polderdam")
    page = client.get(studio_url("dmn_editor", TABLE))
    xml = embedded(page.content.decode(), "dmn-xml-source")
    bad = with_cell(xml, "voortgang_frequentie_b1_weken", "().__class__")
    saved = client.post(
        studio_url("dmn_editor", TABLE),
        {"xml": bad, "lock": page.context["lock"]},
        follow=True,
    )
    (finding,) = saved.context["findings"]
    assert finding.element == "voortgang_frequentie_b1_weken"
    assert "regel 1" in finding.message and "geweigerd" in finding.message
    assert Draft.objects.get(gemeente=world.polderdam).files[TABLE] == bad, (
        "what was typed is kept in the draft"
    )
    refused = client.post(studio_url("deploy"), {"note": "test"})
    assert refused.status_code == 422
    assert "voortgang_frequentie_b1_weken" in refused.content.decode()
    assert active_version(world.polderdam) == world.versions["polderdam"]


def test_a_table_change_flows_through_check_diff_deploy_and_a_new_case(
    world: World,
) -> None:
    client = client_for(world, "beheerder.polderdam")
    page = client.get(studio_url("dmn_editor", TABLE))
    xml = embedded(page.content.decode(), "dmn-xml-source")
    # The gemeente sees people on the B1-route every eight weeks.
    changed = with_cell(xml, "voortgang_frequentie_b1_weken", "8")
    client.post(
        studio_url("dmn_editor", TABLE),
        {"xml": changed.replace("\n", "\r\n"), "lock": page.context["lock"]},
    )
    assert Draft.objects.get(gemeente=world.polderdam).files[TABLE] == changed
    check = client.get(studio_url("check"))
    assert not [f for f in check.context["findings"] if f.is_error]
    diff = client.get(studio_url("diff"))
    words = [c.text for d in diff.context["diff"].against_active for c in d.changes]
    assert any("regel 1 (‘B1-route’)" in w and "‘12’ → ‘8’" in w for w in words)
    assert "‘12’ → ‘8’" in diff.content.decode()
    deployed = client.post(studio_url("deploy"), {"note": "B1 vaker"}, follow=True)
    assert "v2 is in gebruik" in deployed.content.decode()
    # The next case runs on the new table; the table is a file of the version.
    case = world.start()
    assert case.version.number == 2
    world.run_until(case, "pip_toelichten")
    assert '"voortgang_weken":8' in state_of(case)
    with zipfile.ZipFile(
        io.BytesIO(client.get(studio_url("version_download", 2)).content)
    ) as archive:
        assert "<text>8</text>" in archive.read(TABLE).decode()


def test_a_dmn_file_is_uploaded_under_its_own_name(world: World) -> None:
    client = client_for(world, "beheerder.polderdam")
    xml = embedded(
        client.get(studio_url("dmn_editor", TABLE)).content.decode(),
        "dmn-xml-source",
    )
    upload = SimpleUploadedFile(
        TABLE, with_cell(xml, "voortgang_frequentie_z_weken", "6").encode()
    )
    response = client.post(studio_url("upload"), {"bestand": upload}, follow=True)
    assert response.context["ok"] is True
    assert "<text>6</text>" in Draft.objects.get(gemeente=world.polderdam).files[TABLE]
    # Another name is kept as it is: a new table beside the old, not a rename.
    other = SimpleUploadedFile("Voortgang.v2.dmn", xml.encode())
    client.post(studio_url("upload"), {"bestand": other}, follow=True)
    assert "Voortgang.v2.dmn" in Draft.objects.get(gemeente=world.polderdam).files


def test_a_new_table_starts_from_a_template_and_opens_in_the_editor(
    world: World,
) -> None:
    client = client_for(world, "beheerder.polderdam")
    refused = client.post(
        studio_url("new_table"),
        {"tabel_naam": "Aantal workshops", "invoer": "x.y", "uitkomst": "pvt_aantal"},
        follow=True,
    )
    assert "Gebruik kleine letters" in refused.content.decode()
    made = client.post(
        studio_url("new_table"),
        {
            "tabel_naam": "Aantal workshops",
            "invoer": "leerroute",
            "uitkomst": "pvt_aantal",
        },
        follow=True,
    )
    assert made.redirect_chain[-1][0] == studio_url(
        "dmn_editor", "aantal_workshops.dmn"
    )
    xml = Draft.objects.get(gemeente=world.polderdam).files["aantal_workshops.dmn"]
    assert 'name="pvt_aantal"' in xml
    # A table no task uses yet: a warning, no error.
    findings = made.context["findings"]
    assert findings and not [f for f in findings if f.is_error]
    assert any("door geen enkele beslistaak" in f.message for f in findings)


def test_a_setting_that_became_a_table_points_to_the_table(db) -> None:
    _values, findings = parse_settings('{"voortgang_weken": 8, "pvt_workshops": 5}')
    (finding,) = findings
    assert finding.is_error
    assert "staat nu in de beslistabel voortgang_frequentie.dmn" in finding.message
