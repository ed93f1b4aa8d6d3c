"""The contract of API.md walked through once on a real gunicorn (DEBUG off, SQLite), with
tokens from the management commands: a family arrives, buys lessons, gets a card, checks
in at the reader, books a lesson, and takes leave. Each step checks the fixed fields."""

import re
import uuid
from datetime import timedelta

from django.utils import timezone

MONEY = re.compile(r"^-?\d+\.\d{2}$")


def test_a_familys_first_week_through_the_api(sqlite_server):
    live = sqlite_server
    call = live.call
    live.manage("create_staff", "amy", "--role", "teacher", "--campus", "bj01", "--subjects", "Piano,Math")
    reader = live.manage("register_reader", "前台1号", "--campus", "bj01")
    live.manage("create_campus", "sh01", "上海徐汇校区")
    stranger = live.manage("create_staff", "other", "--role", "front_desk", "--campus", "sh01")

    # a student file: two guardians, one primary
    status, student = call("POST", "/api/v1/students", {
        "name": "张三", "gender": "M", "birthday": "2014-03-02", "address": "北京市朝阳区",
        "school": "朝阳实验小学", "grade": "初一",
        "guardians": [
            {"name": "李梅", "relation": "mother", "phone": "13800000001", "is_primary": True},
            {"name": "张伟", "relation": "father", "phone": "13800000002", "is_primary": False},
        ],
    })
    assert status == 201, student
    assert {"id", "campus", "advisor", "guardians"} <= set(student) and student["campus"] == "bj01"
    sid = student["id"]
    status, refused = call("POST", "/api/v1/students", {**student, "guardians": student["guardians"][:1]})
    assert status == 422 and refused["error"]["fields"]
    assert call("GET", f"/api/v1/students/{sid}", token=stranger)[0] in (403, 404)
    assert call("GET", "/api/v1/me", token="nope")[0] == 401

    # a package, paid in two instalments
    status, package = call("POST", f"/api/v1/students/{sid}/packages", {
        "course": "钢琴一对一", "kind": "one_on_one", "lessons": 10, "bonus_lessons": 1,
        "price": "3000.00", "paid": "1500.00", "valid_from": "2026-01-01", "valid_until": "2030-12-31",
    })
    assert status == 201, package
    assert (package["lessons_used"], package["lessons_left"], package["balance_due"], package["payment_plan"],
            package["status"]) == (0, 11, "1500.00", "half", "active")
    assert all(MONEY.match(package[k]) for k in ("price", "paid", "balance_due"))
    pid = package["id"]
    assert call("POST", f"/api/v1/packages/{pid}/payments", {"amount": "1500.01"})[0] == 422
    assert call("POST", f"/api/v1/packages/{pid}/payments", {"amount": "1500.00"})[0] == 201
    status, package = call("GET", f"/api/v1/packages/{pid}")
    assert (package["balance_due"], package["payment_plan"]) == ("0.00", "full")

    # a card, and the reader checks the student in
    status, card = call("POST", f"/api/v1/students/{sid}/cards", {"card_number": "0012345678", "chip_uid": "04A1B2C3"})
    assert status == 201 and (card["status"], card["deposit"]) == ("active", "20.00")
    assert call("POST", f"/api/v1/students/{sid}/cards", {"card_number": "0099999999"})[1]["error"]["code"] == "student_has_card"
    swipe = {"swipe_id": str(uuid.uuid4()), "card": "04A1B2C3"}
    status, first = call("POST", "/api/v1/swipes", swipe, token=reader)
    assert status == 201, first
    assert first["result"] == "checked_in" and first["student"] == {"id": sid, "name": "张三"}
    assert first["package_id"] == pid and first["lessons_left"] == 10 and first["attendance_id"]
    assert call("POST", "/api/v1/swipes", swipe, token=reader) == (200, first)
    status, again = call("POST", "/api/v1/swipes", {"swipe_id": str(uuid.uuid4()), "card": "0012345678"}, token=reader)
    assert (status, again["error"]["code"]) == (409, "duplicate_swipe")
    status, unknown = call("POST", "/api/v1/swipes", {"swipe_id": str(uuid.uuid4()), "card": "0000000001"}, token=reader)
    assert (status, unknown["error"]["code"]) == (409, "unknown_card")
    past = (timezone.now() - timedelta(days=8)).isoformat()
    status, late = call("POST", "/api/v1/swipes", {"swipe_id": str(uuid.uuid4()), "card": "0012345678", "swiped_at": past},
                        token=reader)
    assert (status, late["error"]["code"]) == (422, "swiped_at_out_of_range")
    status, detail = call("GET", f"/api/v1/students/{sid}")
    assert [(c["card_number"], c["status"]) for c in detail["cards"]] == [("0012345678", "active")]
    assert [(p["id"], p["lessons_left"]) for p in detail["packages"]] == [(pid, 10)]
    status, checkins = call("GET", f"/api/v1/students/{sid}/attendance")
    assert checkins["count"] == 1 and checkins["items"][0]["package_id"] == pid

    # the teacher's card clocks in, then out
    teacher_card = call("POST", "/api/v1/teachers/amy/cards", {"card_number": "0090000001"})
    assert teacher_card[0] == 201, teacher_card
    clock = [call("POST", "/api/v1/swipes", {"swipe_id": str(uuid.uuid4()), "card": "0090000001",
                                              "swiped_at": (timezone.now() - timedelta(minutes=m)).isoformat()},
                  token=reader)[1]["result"] for m in (3, 1)]
    assert clock == ["clock_in", "clock_out"]

    # a lesson next week, a clash, and leave with notice
    start = (timezone.localtime() + timedelta(days=7)).replace(hour=16, minute=0, second=0, microsecond=0)
    lesson = {"student_id": sid, "teacher": "amy", "subject": "Piano", "starts_at": start.isoformat(),
              "ends_at": (start + timedelta(hours=1)).isoformat(), "room": "A101"}
    status, booked = call("POST", "/api/v1/lessons", lesson)
    assert status == 201, booked
    status, clash = call("POST", "/api/v1/lessons", {**lesson, "starts_at": (start + timedelta(minutes=59)).isoformat(),
                                                     "ends_at": (start + timedelta(hours=2)).isoformat()})
    assert (status, clash["error"]["code"]) == (409, "schedule_conflict")
    assert call("POST", "/api/v1/lessons", {**lesson, "subject": "Violin"})[1]["error"]["code"] == "wrong_subject"
    status, leave = call("POST", f"/api/v1/lessons/{booked['id']}/leave", {"reason": "学校考试"})
    assert (status, leave["status"], leave["late_notice"]) == (200, "leave", False)

    # the card is lost, replaced (fee), and returned (deposit back)
    assert call("POST", f"/api/v1/cards/{card['id']}/replace", {"card_number": "0012345679"})[1]["error"]["code"] == "card_not_lost"
    assert call("POST", f"/api/v1/cards/{card['id']}/lost")[1]["status"] == "lost"
    status, lost_swipe = call("POST", "/api/v1/swipes", {"swipe_id": str(uuid.uuid4()), "card": "0012345678"}, token=reader)
    assert (status, lost_swipe["error"]["code"]) == (409, "card_lost")
    status, new_card = call("POST", f"/api/v1/cards/{card['id']}/replace", {"card_number": "0012345679"})
    assert status == 201 and (new_card["status"], new_card["fee"], new_card["deposit"]) == ("active", "20.00", "20.00")
    status, returned = call("POST", f"/api/v1/cards/{new_card['id']}/return")
    assert (status, returned["status"], returned["deposit_refunded"]) == (200, "returned", "20.00")

    # search by guardian phone and by card number
    assert call("GET", "/api/v1/students?q=13800000002")[1]["count"] == 1
    assert [s["id"] for s in call("GET", "/api/v1/students?q=0012345679")[1]["items"]] == [sid]


def test_staff_rules_the_audit_and_the_kpis_through_the_api(sqlite_server):
    """API.md § Staff rules and KPIs and `run_audit`, on the live server: the ladder of a
    rule by hand, a fine's joint incident, the refusals, the audit's last line twice, the KPIs."""
    live = sqlite_server
    call = live.call
    principal = live.manage("create_staff", "boss", "--role", "principal", "--campus", "bj01")
    live.manage("create_staff", "sup", "--role", "cs_supervisor", "--campus", "bj01")
    advisor = live.manage("create_staff", "adv", "--role", "advisor", "--campus", "bj01", "--supervisor", "sup")

    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    month = f"{last_month:%Y-%m}"
    days = [last_month.replace(day=d).isoformat() for d in (2, 3, 4, 5)]

    def charge(rule: str, day: str, token: str = principal) -> tuple[int, dict]:
        return call("POST", "/api/v1/penalties", {"staff": "adv", "rule": rule, "occurred_on": day, "note": "家长投诉"},
                    token=token)

    ladder = []
    for day in days:
        status, incident = charge("not_notified", day)
        assert status == 201, incident
        assert (incident["staff"], incident["rule"], incident["occurred_on"], incident["source"]) == (
            "adv", "not_notified", day, "manual")
        ladder.append((incident["level"], incident["amount"]))
    assert ladder == [("warning", "0.00"), ("fine", "50.00"), ("transfer_talk", "0.00"), ("transfer_talk", "0.00")]

    status, fine = charge("scheduling_refund", days[0])
    assert (status, fine["level"], fine["amount"]) == (201, "fine", "100.00")
    status, joint = call("GET", f"/api/v1/penalties?staff=sup&month={month}", token=principal)
    assert status == 200 and [(i["rule"], i["level"], i["amount"]) for i in joint["items"]] == [
        ("scheduling_refund", "fine", "100.00")]

    status, mine = call("GET", f"/api/v1/penalties?staff=adv&month={month}", token=principal)
    assert status == 200 and mine["count"] == 5
    assert {"staff", "rule", "level", "amount", "occurred_on", "source"} <= set(mine["items"][0])
    assert charge("not_notified", days[0], token=advisor)[0] == 403
    status, bad = charge("no_such_rule", days[0])
    assert status == 422 and "rule" in bad["error"]["fields"]

    created = live.manage("run_audit", "--date", timezone.localdate().isoformat())
    assert created.isdigit()
    assert live.manage("run_audit", "--date", timezone.localdate().isoformat()) == "0"

    status, kpis = call("GET", f"/api/v1/kpis?month={month}", token=principal)
    assert status == 200 and set(kpis) >= {
        "lesson_consumption", "renewal_rate", "subject_expansion", "referrals", "refund_rate"}
    status, refused = call("GET", "/api/v1/kpis?month=2026-13", token=principal)
    assert status == 422 and "month" in refused["error"]["fields"]
