"""GET /ratings/tags: the reason tags a rating may carry, labelled in the reader's script."""

import pytest

LABELS = {
    "zh-Hans": ("办事效率高", "问题没解决"),
    "zh-Hant": ("辦事效率高", "問題沒解決"),
}


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
async def test_tags_come_labelled_in_the_readers_script_with_the_scores_they_fit(client, lang):
    response = await client.get("/api/v1/ratings/tags", headers={"Accept-Language": lang})
    assert response.status_code == 200
    body = response.json()
    good, bad = LABELS[lang]
    assert body["good"][0] == {"tag": "efficient", "label": good}
    assert body["bad"][-1] == {"tag": "not_resolved", "label": bad}
    assert [item["tag"] for item in body["good"]] == ["efficient", "friendly", "result_good", "convenient"]
    assert len(body["bad"]) == 6
    assert body["good_scores"] == [3, 4, 5] and body["bad_scores"] == [1, 2, 3]


async def test_a_signed_in_reader_gets_the_tags_in_their_saved_script(client, auth):
    resident = await auth.role("resident")
    assert (await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=resident)).status_code == 200
    body = (await client.get("/api/v1/ratings/tags", headers={**resident, "Accept-Language": "zh-Hans"})).json()
    assert body["good"][0]["label"] == "辦事效率高"
