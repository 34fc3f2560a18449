"""The 看板's JSON API over HTTP: leaders read but never write, officials write only on their own
tasks, bad bodies are refused plainly, and nothing is recorded by a refusal."""

from __future__ import annotations

import httpx

from tests.bot.conftest import OFFICIAL
from tests.ops.conftest import OpsHarness
from tests.webapp.conftest import LEADER, Scene, init_data


def client(bot: OpsHarness, user_id: int) -> httpx.AsyncClient:
    port = bot.lifecycle.ops.port if bot.lifecycle.ops else 0
    headers = {"X-Telegram-Init-Data": init_data(bot, user_id)}
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/app/api", headers=headers)


async def test_a_leader_reads_but_cannot_report(ops_bot: OpsHarness, board_scene: Scene) -> None:
    async with client(ops_bot, LEADER) as http:
        task = (await http.get(f"/tasks/{board_scene.mine}")).json()
        assert task["can_report"] is False
        r = await http.post(f"/tasks/{board_scene.mine}/report", json={"progress": 50, "text": "领导代报"})
    assert r.status_code == 409 and r.json()["ok"] is False and r.json()["error"]
    assert [h[0] for h in ops_bot.history(board_scene.mine)] == ["created"]


async def test_an_official_reports_only_on_their_tasks(ops_bot: OpsHarness, board_scene: Scene) -> None:
    async with client(ops_bot, OFFICIAL) as http:
        other = await http.post(f"/tasks/{board_scene.theirs}/report", json={"text": "越权汇报"})
        assert other.status_code == 404
        bad = await http.post(f"/tasks/{board_scene.mine}/report", content=b"{not json")
        assert bad.status_code == 400
        unknown = await http.post(f"/tasks/{board_scene.mine}/report", json={"action": "close", "text": "x"})
        assert unknown.status_code == 400
        out_of_range = await http.post(
            f"/tasks/{board_scene.mine}/report", json={"progress": 150, "text": "x"}
        )
        assert out_of_range.status_code == 409 and "150" in out_of_range.json()["error"]
        done = await http.post(f"/tasks/{board_scene.mine}/report", json={"action": "done", "text": "已办结"})
        assert done.status_code == 200 and done.json() == {"ok": True}
    assert [h[0] for h in ops_bot.history(board_scene.theirs)] == ["created"]
    assert [h[:2] for h in ops_bot.history(board_scene.mine)] == [("created", "open"), ("done", "done")]
