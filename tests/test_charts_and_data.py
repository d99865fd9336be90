import altair as alt
import pandas as pd
import pytest

from gorust import charts, data, profile


def _chart() -> alt.Chart:
    frame = charts.with_language_names(pd.DataFrame({"language": ["go", "rust"], "x": [1, 2]}))
    return (
        alt.Chart(frame).mark_bar().encode(x="x:Q", y="Language:N", color=charts.language_color())
    )


def test_chart_html_has_a_static_svg_and_an_offline_embed_script():
    charts.enable()
    bundle = _chart()._repr_mimebundle_()
    html = bundle["text/html"] if isinstance(bundle, dict) else bundle[0]["text/html"]
    assert "<svg" in html and 'class="gorust-chart"' in html
    assert "window.vegaEmbed" in html
    assert "cdn" not in html.lower() and "https://" not in html.split("<svg")[0]


def test_go_and_rust_always_get_their_colours():
    spec = _chart().to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        "Go": "#00ADD8",
        "Rust": "#CE422B",
    }


def test_vendored_bundle_is_function_scoped_and_exports_vega_embed(tmp_path):
    path = charts.write_bundle(tmp_path)
    text = path.read_text()
    assert text.startswith("(function () {")
    assert text.rstrip().endswith("})();")
    assert "window.vegaEmbed=" in text.replace(" ", "")


def test_a_live_run_saves_its_results_with_provenance_outside_the_reference(tmp_path, monkeypatch):
    monkeypatch.setattr(data.paths, "DATA", tmp_path / "data")
    monkeypatch.setenv(data.paths.RESULTS_VARIABLE, str(tmp_path / "results"))
    monkeypatch.setenv("GVR_MODE", "live")
    with pytest.raises(ValueError, match="provenance"):
        data.save(pd.DataFrame({"x": [1]}), "part0", "bare")
    row = {c: "v" for c in (*data.PROVENANCE_COLUMNS, "language", "toolchain")}
    path = data.save(pd.DataFrame([row]), "part0", "ok")
    assert data.load("part0", "ok").iloc[0]["language"] == "v"
    assert path == tmp_path / "results" / "part0" / "ok.csv"
    assert not (tmp_path / "data").exists()


def test_profile_is_chosen_by_one_variable(monkeypatch):
    monkeypatch.setenv(profile.PROFILE_VARIABLE, "full")
    assert profile.current_profile().pick(quick=1, full=2) == 2
    assert profile.current_profile().repetitions >= 10
    monkeypatch.delenv(profile.PROFILE_VARIABLE)
    assert profile.current_profile().name == "quick"
    assert profile.current_profile().repetitions >= 3
    monkeypatch.setenv(profile.PROFILE_VARIABLE, "fast")
    with pytest.raises(ValueError, match="quick, full"):
        profile.current_profile()
