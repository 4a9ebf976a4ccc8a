"""What the law leaves to the gemeente is a setting of its version, not a copied
diagram: set in the studio, checked at deploy, handed to every new case."""

import json

from django.test import Client
from django.urls import reverse

import pytest

from webui.definitions.services import DeployRefused, version_deploy

from ..conftest import PASSWORD, World, state_of


def test_a_beheerder_sets_the_number_of_pvt_workshops_for_new_cases(
    world: World,
) -> None:
    running = world.start()
    client = Client()
    client.login(username="beheerder.polderdam", password=PASSWORD)
    url = reverse("studio:settings", args=["polderdam"])
    page = client.get(url)
    assert page.context["form"]["pvt_workshops"].initial == 4
    refused = client.post(url, {"pip_start": "koppeling", "pvt_workshops": "0"})
    assert refused.context["form"].errors["pvt_workshops"]
    response = client.post(
        url,
        {
            "pip_start": "koppeling",
            "pvt_workshops": "5",
            "ontzorgen_maanden": "6",
            "ontzorgen_evaluatie_maanden": "5",
            "voortgang_weken": "12",
            "termijn_waarschuwing_weken": "26",
        },
    )
    assert response.status_code == 302
    client.post(reverse("studio:deploy", args=["polderdam"]), {"note": "Vijf PVT"})
    case = world.start()
    assert '"instelling_pvt_workshops":5' in state_of(case)
    assert '"instelling_pip_start":"koppeling"' in state_of(case)
    assert '"instelling_pvt_workshops":4' in state_of(running), "running cases keep it"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"pvt_workshops": 0}, "‘pvt_workshops’ is minstens 1"),
        ({"pip_start": "morgen"}, "‘pip_start’ is een van: binnenkomst, koppeling"),
        ({"workshops": 4}, "onbekende instelling ‘workshops’"),
    ],
)
def test_a_wrong_setting_is_refused_at_deploy(
    world: World, settings: dict, message: str
) -> None:
    with pytest.raises(DeployRefused) as caught:
        version_deploy(
            gemeente=world.polderdam,
            own_files={"instellingen.json": json.dumps(settings)},
        )
    assert message in [f.message for f in caught.value.findings]
