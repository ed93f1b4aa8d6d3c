def test_health_endpoint_answers(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
