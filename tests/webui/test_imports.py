"""Uploading files made elsewhere: a file keeps its name, alone or in a zip, under the
same rules; Camunda's deadlines are converted on the way in; the check reads in
order."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from webui.definitions.files import FileRefused, from_upload
from webui.definitions.models import Draft

from ..conftest import World
from .test_views import client_for

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
xmlns:camunda="http://camunda.org/schema/1.0/bpmn" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" \
targetNamespace="http://camunda.org/examples">
  <bpmn:process id="factuur" name="Factuur" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="goedkeuren" />
    <bpmn:userTask id="goedkeuren" name="Factuur&#10;goedkeuren" \
camunda:dueDate="${betaaldatum}" camunda:assignee="demo" />
    <bpmn:sequenceFlow id="f2" sourceRef="goedkeuren" targetRef="gw" />
    <bpmn:exclusiveGateway id="gw" name="Goedgekeurd?" />
    <bpmn:sequenceFlow id="ja" name="ja" sourceRef="gw" targetRef="einde">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${approved}\
</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="nee" name="nee" sourceRef="gw" targetRef="einde">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${!approved}\
</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="einde" />
  </bpmn:process>
</bpmn:definitions>
"""
FORM = '{"key": "huisbezoek", "title": "Huisbezoek", "sections": []}'


def zipped(*entries: tuple[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries:
            archive.writestr(name, text)
    return buffer.getvalue()


def upload(client, name: str, content: bytes):
    return client.post(
        reverse("studio:upload", args=["polderdam"]),
        {"bestand": SimpleUploadedFile(name, content)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("uploaded", "kept"),
    [
        ("invoice.v2.bpmn", "invoice.v2.bpmn"),
        ("Factuur.bpmn", "Factuur.bpmn"),
        ("aanvraag.bpmn20.xml", "aanvraag.bpmn"),
        ("huisbezoek.json", "formulieren/huisbezoek.json"),
        ("instellingen.json", "instellingen.json"),
    ],
)
def test_a_file_keeps_its_name_alone_and_in_a_zip(uploaded: str, kept: str) -> None:
    text = FORM if uploaded.endswith(".json") else DIAGRAM
    alone = from_upload(uploaded, text.encode())
    in_zip = from_upload("set.zip", zipped((uploaded, text)))
    in_folder = from_upload("export.zip", zipped((f"export/{uploaded}", text)))
    assert alone == in_zip == in_folder == {kept: text}


@pytest.mark.parametrize(
    ("uploaded", "suggestion"),
    [
        ("Factuur goedkeuren.bpmn", "factuur_goedkeuren.bpmn"),
        ("factuur (1).bpmn", "factuur_1.bpmn"),
        ("Huis bezoek.json", "huis_bezoek.json"),
    ],
)
def test_a_name_the_set_cannot_hold_is_refused_the_same_way_alone_and_in_a_zip(
    uploaded: str, suggestion: str
) -> None:
    text = FORM if uploaded.endswith(".json") else DIAGRAM
    with pytest.raises(FileRefused) as alone:
        from_upload(uploaded, text.encode())
    with pytest.raises(FileRefused) as in_zip:
        from_upload("set.zip", zipped((uploaded, text)))
    assert str(alone.value) == str(in_zip.value)
    assert f"‘{uploaded}’" in str(alone.value)
    assert f"hernoem het bijvoorbeeld naar ‘{suggestion}’" in str(alone.value)


def test_two_files_in_a_zip_for_one_name_are_refused_not_one_dropped(
    world: World,
) -> None:
    client = client_for(world, "beheerder.polderdam")
    content = zipped(("oud/factuur.bpmn", DIAGRAM), ("nieuw/factuur.bpmn", DIAGRAM))
    response = upload(client, "set.zip", content)
    html = response.content.decode()
    assert "‘oud/factuur.bpmn’ en ‘nieuw/factuur.bpmn’" in html
    assert "Niet geüpload" in html
    assert not Draft.objects.get(gemeente=world.polderdam).files


def test_a_camunda_upload_keeps_its_name_converts_its_deadline_and_reads_in_order(
    world: World,
) -> None:
    client = client_for(world, "beheerder.polderdam")
    # A broken form sorts after a_factuur.v2.bpmn: the check lists the diagram first.
    broken_form = zipped(("a_factuur.v2.bpmn", DIAGRAM), ("huisbezoek.json", "{"))
    response = upload(client, "camunda.zip", broken_form)
    html = response.content.decode()
    assert "In het concept gezet: a_factuur.v2.bpmn, formulieren/huisbezoek.json" in (
        html
    )
    assert "Omgezet: a_factuur.v2.bpmn: camunda:dueDate ‘${betaaldatum}’" in html
    saved = Draft.objects.get(gemeente=world.polderdam).files["a_factuur.v2.bpmn"]
    assert "camunda:dueDate" not in saved
    assert '<spiffworkflow:property name="dueDate" value="betaaldatum"/>' in saved

    findings = response.context["findings"]
    keys = [(f.file, f.line or 0) for f in findings]
    assert keys == sorted(keys)
    files = [f.file for f in findings if f.file]
    assert files.index("a_factuur.v2.bpmn") < files.index("formulieren/huisbezoek.json")
    juel = [f for f in findings if "JUEL" in f.message]
    assert [f.element for f in juel] == ["ja", "nee"]
    assert "bij pijl ‘ja’" in juel[0].message
    # The two-line name reads as one line on the page.
    assert any("‘Factuur goedkeuren’" in f.message for f in findings)
    # The kept name works everywhere a file name goes: the modeler opens it.
    modeler = client.get(
        reverse("studio:modeler", args=["polderdam", "a_factuur.v2.bpmn"])
    )
    assert modeler.status_code == 200
    assert "a_factuur.v2.bpmn bewerken" in modeler.content.decode()
