"""Pages go compressed to a browser that accepts it, and whole to one that does not."""

import gzip


def test_a_page_is_sent_gzipped_to_a_client_that_accepts_it(client, cast):
    client.force_login(cast.supervisor)
    plain = client.get("/reports/forecast/")
    packed = client.get("/reports/forecast/", headers={"accept-encoding": "gzip, br"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    # (Django pads the compressed body with up to 100 random bytes against BREACH)
    assert len(packed.content) < len(page) / 2
    assert 'data-testid="forecast-table"' in page
    assert page.count("<tr") == plain.content.decode().count("<tr")
